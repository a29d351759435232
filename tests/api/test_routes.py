"""Every API route is reached by its own paths: no route shadows another (the order of the
includes in `api/urls.py` puts the most read first, which is safe only while this holds)."""

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

# A sample value per path converter the API uses, by the converter's class.
SAMPLE = {
    "IdConverter": 7,
    "IntConverter": 7,
    "SlugConverter": "data-scientist",
    "StringConverter": "x",
    "PathConverter": "x/y",
}


def api_routes() -> list[tuple[str, dict]]:
    """(name, sample kwargs) of every named route under /api/v1/."""
    api = next(p for p in get_resolver().url_patterns if str(p.pattern) == "api/")
    found: list[tuple[str, dict]] = []

    def walk(patterns) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                converters = pattern.pattern.converters.items()
                kwargs = {name: SAMPLE[type(kind).__name__] for name, kind in converters}
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
