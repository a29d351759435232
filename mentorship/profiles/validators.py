"""Field validators for profiles: IANA time zones and ISO 639-1 language codes.

A time zone must be a canonical IANA zone: a `Zone` line of the tz database (the `tzdata`
package's `tzdata.zi`), such as `Europe/Paris`, `America/New_York` or `Etc/UTC`. Refused: an
alias (a `Link` line: `US/Eastern`, `Asia/Calcutta`, `UTC`, `GMT`), answered with the zone it
stands for; `Factory` (a placeholder with no offset); and names that are no zone of the
database but a file of the system's copy (`localtime`, `posixrules`), whose meaning depends on
the machine.
"""

from functools import cache
from importlib import resources

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


# Zones of the database that are not a place's time: a placeholder for unconfigured machines.
NOT_A_PLACE = frozenset({"Factory"})


@cache
def _timezone_database() -> tuple[frozenset[str], dict[str, str]]:
    """(canonical zones, alias -> the zone it links to), read from `tzdata.zi`."""
    zones: set[str] = set()
    links: dict[str, str] = {}
    text = resources.files("tzdata.zoneinfo").joinpath("tzdata.zi").read_text(encoding="utf-8")
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 2 and fields[0] == "Z":
            zones.add(fields[1])
        elif len(fields) >= 3 and fields[0] == "L":
            links[fields[2]] = fields[1]
    return frozenset(zones - NOT_A_PLACE), links


def known_timezones() -> frozenset[str]:
    """Every canonical IANA zone name."""
    return _timezone_database()[0]


def validate_timezone(value: str) -> None:
    zones, links = _timezone_database()
    if value in zones:
        return
    canonical = links.get(value)
    for _ in range(len(links)):  # a link may name another link
        if canonical is None or canonical in zones:
            break
        canonical = links.get(canonical)
    if canonical is not None:
        raise ValidationError(
            "%(value)s is an alias: use the canonical IANA zone %(canonical)s.",
            code="timezone_alias",
            params={"value": repr(value), "canonical": canonical},
        )
    raise ValidationError(
        "Unknown time zone %(value)s: use a canonical IANA zone such as Europe/Paris.",
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
