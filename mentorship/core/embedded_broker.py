"""The embedded default's Celery broker: kombu's filesystem transport, each message written whole.

kombu writes a message by creating its file in the queue folder and then writing into it, while a
consumer takes a file without waiting for the writer: a worker that polls often (the embedded
default polls every few milliseconds) now and then takes a file that is still empty, fails to
decode it and stops, and the message is lost (celery/kombu#1551). Here a message is written under
a name no consumer looks at and then renamed into the queue folder. A rename within one folder is
atomic, so a consumer finds a whole message or none. Everything else is kombu's transport as is.
"""

import os
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    # kombu names the argument `payload` here and `message` in the abstract channel.
    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        # kombu's name, so that consumers take messages in the order they were sent; a consumer
        # only looks at names of the form `<stamp>_<uuid>.<queue>.msg`, never at dot-files.
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        folder = self.data_folder_out
        partial = os.path.join(folder, f".{name}.partial")
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, os.path.join(folder, name))
        except OSError as error:
            raise ChannelError(f"Cannot add file {name!r} to directory") from error


class Transport(filesystem.Transport):
    Channel = Channel
