"""Email addresses in one normal form, so that one mailbox is one account.

`email_address_normalise` is applied before an address is compared or stored: the whole address
in Unicode NFKC (a fullwidth p, U+FF50, is a p), the domain as IDNA 2008 (UTS #46 mapping,
non-transitional: `straße.test` is its own domain, `xn--strae-oqa.test`, not `strasse.test`) in
its ASCII form, and everything lower-cased. The stored address is the one mail is sent to: the
ASCII domain leaves nothing for the mail library to re-encode (Python's own `idna` codec is IDNA
2003, which would turn `straße` into `strasse` and deliver to another mailbox).

A domain label that mixes scripts (a Cyrillic o, U+043E, among Latin letters) is refused: that
is how a look-alike of another domain is made. Scripts that are written together (Han with
Hiragana and Katakana, Han with Hangul, either with Latin) count as one, as in Unicode's "highly
restrictive" profile (UTS #39). No Django here: the migration that reports old collisions uses
it too.
"""

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import idna

# Scripts that one label may combine (UTS #39, highly restrictive), besides any single script.
_SCRIPT_SETS = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)
# Character-name prefixes that name no script of their own (digits, hyphen, marks).
_COMMON = frozenset({"DIGIT", "HYPHEN-MINUS", "COMBINING", "FULLWIDTH", "HALFWIDTH"})


class EmailAddressError(ValueError):
    """The address cannot be normalised; the message says why, for the person who typed it."""


def email_address_normalise(address: str) -> str:
    """The normal form of `address` (see the module docstring); `EmailAddressError` if there is
    none: no `@`, an empty part, a domain IDNA 2008 rejects, or a label that mixes scripts."""
    text = unicodedata.normalize("NFKC", address.strip())
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        raise EmailAddressError("Enter a valid email address.")
    domain = domain.rstrip(".")
    try:
        ascii_domain = idna.encode(domain, uts46=True, transitional=False).decode("ascii")
        unicode_domain = idna.decode(ascii_domain)
    except (idna.IDNAError, UnicodeError):
        raise EmailAddressError("The domain of this address is not a valid domain name.") from None
    for label in unicode_domain.split("."):
        if len(_scripts(label)) > 1 and not any(
            _scripts(label) <= allowed for allowed in _SCRIPT_SETS
        ):
            raise EmailAddressError(
                "The domain of this address mixes alphabets (a look-alike of another domain?)."
            )
    return f"{local.lower()}@{ascii_domain.lower()}"


def email_address_fold(address: str) -> str:
    """`email_address_normalise`, or the trimmed, lower-cased text when it has no normal form:
    for looking an address up (a login), where a bad address simply matches nobody."""
    try:
        return email_address_normalise(address)
    except EmailAddressError:
        return address.strip().lower()


def _scripts(label: str) -> frozenset[str]:
    scripts = set()
    for character in label:
        if character.isascii() and not character.isalpha():
            continue
        name = unicodedata.name(character, "")
        first = name.split(" ", 1)[0]
        if not name or first in _COMMON or not character.isalpha():
            continue
        scripts.add("HAN" if first == "CJK" else first)
    return frozenset(scripts)


@dataclass(frozen=True)
class AddressReport:
    """Stored addresses seen through the normal form: those that fall together, those that have
    no normal form, and the single ones whose stored text differs from it."""

    collisions: dict[str, list[tuple[int, str]]]
    invalid: list[tuple[int, str, str]]
    renames: dict[int, str]


def address_report(accounts: Iterable[tuple[int, str]]) -> AddressReport:
    """Group `(id, stored address)` pairs by normal form (for the migration that moved stored
    addresses to it, and `manage.py email_collisions`)."""
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    invalid = []
    for account_id, stored in accounts:
        try:
            groups[email_address_normalise(stored)].append((account_id, stored))
        except EmailAddressError as error:
            invalid.append((account_id, stored, str(error)))
    collisions = {normal: found for normal, found in groups.items() if len(found) > 1}
    renames = {
        found[0][0]: normal
        for normal, found in groups.items()
        if len(found) == 1 and found[0][1] != normal
    }
    return AddressReport(collisions=collisions, invalid=invalid, renames=renames)
