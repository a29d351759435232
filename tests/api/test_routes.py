"""Every API route is reached by its own paths: no route shadows another (the order of the
includes in `api/urls.py` puts the most read first, which is safe only while this holds)."""

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

SAMPLE = {"id": 7, "int": 7, "slug": "data-scientist", "str": "x", "path": "x/y", "uuid": None}


def api_routes() -> list[tuple[str, dict]]:
    """(name, sample kwargs) of every named route under /api/v1/."""
    api = next(p for p in get_resolver().url_patterns if str(p.pattern) == "api/")
    found: list[tuple[str, dict]] = []

    def walk(patterns) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                kinds = {
                    name: type(converter).__name__
                    for name, converter in pattern.pattern.converters.items()
                }
                kwargs = {
                    name: SAMPLE[
                        {"IdConverter": "id", "IntConverter": "int", "SlugConverter": "slug",
                         "StringConverter": "str", "PathConverter": "path"}[kind]
                    ]
                    for name, kind in kinds.items()
                }  # fmt: skip
                found.append((pattern.name, kwargs))

    walk(api.url_patterns)
    return found


def test_each_api_route_resolves_its_own_paths():
    routes = api_routes()
    shadowed = []
    for name, kwargs in routes:
        path = reverse(f"api:{name}", kwargs=kwargs)
        if resolve(path).url_name != name:
            shadowed.append((name, path, resolve(path).url_name))

    assert len(routes) > 50
    assert shadowed == []
