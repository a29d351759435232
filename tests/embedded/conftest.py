"""The service on its embedded default (SQLite file, filesystem broker), whatever the suite runs on.

Each test gets a directory of its own (`VAR_DIR`) with a database copied from one migrated once
per session, and starts the processes it needs from deploy/Procfile, as `make run` does
(`bench.embedded.EmbeddedDefault`). Nothing here uses `DATABASE_URL` or `REDIS_URL`.
"""

from pathlib import Path

import pytest

from bench.embedded import UNTHROTTLED, EmbeddedDefault


@pytest.fixture(scope="session")
def embedded_template(tmp_path_factory) -> Path:
    template = EmbeddedDefault(tmp_path_factory.mktemp("embedded-template"))
    template.prepare()
    return template.database


@pytest.fixture
def embedded(tmp_path, embedded_template) -> EmbeddedDefault:
    # One client address signs everyone up here: the per-address throttles are lifted.
    instance = EmbeddedDefault(tmp_path / "service", **UNTHROTTLED)
    instance.prepare(template=embedded_template)
    return instance
