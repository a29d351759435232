"""Reading the links the service emails: `<FRONTEND_URL>/<page>?token=<token>`."""

import re
from urllib.parse import parse_qs, urlsplit

from django.conf import settings

LINK = re.compile(r"https?://\S+\?token=\S+")


def emailed_token(body: str, page: str) -> str:
    """The token of the `<FRONTEND_URL>/<page>?token=...` link in `body` (exactly one)."""
    links = [link for link in LINK.findall(body) if urlsplit(link).path == f"/{page}"]
    assert len(links) == 1, body
    parts = urlsplit(links[0])
    assert f"{parts.scheme}://{parts.netloc}" == settings.FRONTEND_URL
    return parse_qs(parts.query)["token"][0]
