"""Reads for accounts: the bearer tokens of a key with their users, and the export of
everything the service holds about a person."""

import logging
from functools import cache
from typing import Any

from django.db import connections, router
from django.db.models.sql import Query
from knox.models import AuthToken

from mentorship.accounts.events import account_exporting
from mentorship.accounts.models import User
from mentorship.notifications.selectors import notifications_export

logger = logging.getLogger(__name__)


def auth_tokens_with_key(*, token_key: str) -> list[AuthToken]:
    """The tokens whose key (the first characters of the token) is `token_key`, each with its
    user loaded, as `select_related("user")` gives them: one plain SQL statement, with the
    ORM's converters applied to its columns. Authentication runs this on every request; building
    the ORM's query cost several times what running it does."""
    alias = router.db_for_read(AuthToken)
    sql, token_fields, user_fields, converters = _token_statement(alias)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, [token_key])
        rows = cursor.fetchall()
    tokens = []
    split = len(token_fields)
    for row in rows:
        values = list(row)
        for position, (functions, expression) in converters.items():
            for function in functions:
                values[position] = function(values[position], expression, connection)
        auth_token = AuthToken.from_db(alias, token_fields, values[:split])
        auth_token.user = User.from_db(alias, user_fields, values[split:])
        tokens.append(auth_token)
    return tokens


@cache
def _token_statement(alias: str) -> tuple[str, list[str], list[str], dict[int, Any]]:
    """`auth_tokens_with_key`'s statement on this database, the attribute names of its columns
    (the token's, then the user's) and their converters by position: the same for every call."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    token_fields = list(AuthToken._meta.concrete_fields)
    user_fields = list(User._meta.concrete_fields)
    columns = [f"t.{quote(str(field.column))}" for field in token_fields] + [
        f"u.{quote(str(field.column))}" for field in user_fields
    ]
    user_id = quote(str(AuthToken._meta.get_field("user").column))
    token_key = quote(str(AuthToken._meta.get_field("token_key").column))
    user_pk = quote(str(User._meta.pk.column))
    sql = (
        f"SELECT {', '.join(columns)} "  # noqa: S608 (names from the models; the key a parameter)
        f"FROM {quote(AuthToken._meta.db_table)} t "
        f"JOIN {quote(User._meta.db_table)} u ON u.{user_pk} = t.{user_id} "
        f"WHERE t.{token_key} = %s"
    )
    compiler = connection.ops.compiler("SQLCompiler")(Query(AuthToken), connection, alias)
    converters = compiler.get_converters(
        [field.get_col(field.model._meta.db_table) for field in token_fields + user_fields]
    )
    return (
        sql,
        [field.attname for field in token_fields],
        [field.attname for field in user_fields],
        converters,
    )


def account_export(*, user: User) -> dict[str, Any]:
    """Everything held about `user`, as one JSON document: the account and emails here, every
    other section from the package that holds it (`events.account_exporting`)."""
    document: dict[str, Any] = {
        "account": {
            "id": user.pk,
            "email": user.email,
            "name": user.name,
            "role": user.role,
            "email_verified": user.email_verified,
            "email_verified_at": user.email_verified_at,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        **notifications_export(user_id=user.pk),
    }
    for _, section in account_exporting.send(sender=User, user=user):
        if isinstance(section, dict):
            document.update(section)
    return document
