"""Field validators for profiles: IANA time zones and ISO 639-1 language codes."""

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError

# ISO 639-1: every two-letter language code.
ISO_639_1 = frozenset(
    """
    aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da
    de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy
    hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg
    li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or
    os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta
    te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
    """.split()
)


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in known_timezones():
        raise ValidationError(
            "Unknown time zone %(value)s: use an IANA name such as Europe/Paris.",
            code="unknown_timezone",
            params={"value": repr(value)},
        )


def validate_languages(value: object) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError("List at least one language (ISO 639-1 code).", code="required")
    unknown = [code for code in value if code not in ISO_639_1]
    if unknown:
        raise ValidationError(
            "Unknown language code(s): %(codes)s. Use ISO 639-1 codes such as en, fr, pt.",
            code="unknown_language",
            params={"codes": ", ".join(map(str, unknown))},
        )
    if len(set(value)) != len(value):
        raise ValidationError("A language is listed twice.", code="duplicate")
