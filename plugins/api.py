"""The versioned open API at /api/v1/ (DIGG's REST API profile): resources with filters and paging, real
JSON, Swedish RFC 9457 errors, CORS for GET and an OpenAPI document. Datasette's own JSON stays for SQL users."""

import json
from urllib.parse import unquote, urlencode

from datasette import Response, hookimpl

from bidrag import api, openapi
from bidrag.site import DATABASE, content_hash, site_url

_CORS = {
    "access-control-allow-origin": "*",
    "access-control-allow-methods": "GET, HEAD, OPTIONS",
    "access-control-allow-headers": "Accept, Accept-Language, Content-Type",
    "access-control-max-age": "86400",
}
_READ = ("GET", "HEAD")
_TITLES = {400: "Felaktig begäran", 404: "Hittades inte", 405: "Metoden stöds inte"}
_vocabularies = {}  # content hash -> {table: ids}, the allowed values of the filters
_samples = {}  # content hash -> {resource: path parameters of its first item}


def _json(data, status: int = 200, content_type: str = "application/json; charset=utf-8") -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status=status, content_type=content_type, headers=dict(_CORS))


def problem(request, status: int, detail: str) -> Response:
    """An RFC 9457 problem in Swedish."""
    body = {"type": "about:blank", "title": _TITLES[status], "status": status, "detail": detail}
    body["instance"] = request.path
    response = _json(body, status, "application/problem+json; charset=utf-8")
    if status == 405:
        response.headers["allow"] = "GET, HEAD, OPTIONS"
    return response


async def vocabularies(datasette) -> dict:
    key = content_hash(datasette)
    if key not in _vocabularies:
        db = datasette.get_database(DATABASE)
        found = {}
        for table in ("regions", "themes", "reason_categories", "decisions"):
            found[table] = {row[0] for row in (await db.execute(f"select id from [{table}]")).rows}
        _vocabularies.clear()
        _vocabularies[key] = found
    return _vocabularies[key]


async def samples(datasette) -> dict:
    key = content_hash(datasette)
    if key not in _samples:
        db = datasette.get_database(DATABASE)
        found = {}
        for name, resource in api.RESOURCES.items():
            columns = ", ".join(f"t.[{c}]" for c in resource.table.pk)
            rows = (await db.execute(f"select {columns} from [{name}] t order by {resource.order} limit 1")).rows
            if rows:
                found[name] = api.path_values(resource, rows[0])
        _samples.clear()
        _samples[key] = found
    return _samples[key]


def read_only(view):
    """GET and HEAD are answered; OPTIONS is a CORS preflight; anything else is 405."""

    async def serve(datasette, request):
        if request.method == "OPTIONS":
            return Response("", status=204, headers={**_CORS, "allow": "GET, HEAD, OPTIONS"})
        if request.method not in _READ:
            return problem(request, 405, f"Metoden {request.method} stöds inte; API:et tar bara emot GET.")
        try:
            return await view(datasette, request)
        except api.BadRequest as error:
            return problem(request, 400, str(error))
        except LookupError:
            return problem(request, 404, f"Det finns ingen post på adressen {unquote(request.path)}.")

    return serve


def _query(request) -> dict:
    query = {}
    for name in request.args.keys():
        values = request.args.getlist(name)
        if len(values) > 1:
            raise api.BadRequest(f"Parametern {name!r} får bara anges en gång.")
        query[name] = values[0]
    return query


@read_only
async def openapi_document(datasette, request):
    _query_without_parameters(request)
    document = openapi.document(site_url(datasette), await vocabularies(datasette), await samples(datasette))
    return _json(document)


@read_only
async def api_info(datasette, request):
    _query_without_parameters(request)
    db = datasette.get_database(DATABASE)
    released = (await db.execute("select max(published_at) from releases")).rows[0][0]
    base = site_url(datasette)
    return _json(
        {
            "api_name": openapi.TITLE,
            "api_version": api.VERSION,
            "api_released": released,
            "api_documentation": f"{base}/data_and_api",
            "api_specification": f"{base}{api.PREFIX}/openapi.json",
            "api_status": "active",
            "license": "https://creativecommons.org/publicdomain/zero/1.0/",
            "contact": "effektivitetsdelegationen@kammarkollegiet.se",
        }
    )


def _query_without_parameters(request):
    query = _query(request)
    if query:
        raise api.BadRequest(f"Okänd parameter {next(iter(query))!r}; adressen tar inga parametrar.")


def _resource(request) -> api.Resource:
    resource = api.RESOURCES.get(request.url_vars["resource"])
    if resource is None:
        raise LookupError
    return resource


@read_only
async def list_view(datasette, request):
    resource = _resource(request)
    query = _query(request)
    limit, offset = api.parse_limit_offset(query)
    where, params = api.conditions(resource, query, await vocabularies(datasette))
    clause = f" where {' and '.join(where)}" if where else ""
    db = datasette.get_database(DATABASE)
    total = (await db.execute(f"select count(*) from [{resource.name}] t{clause}", params)).rows[0][0]
    rows = await db.execute(
        f"select {api.select(resource)} from [{resource.name}] t{clause} order by {resource.order} "
        "limit :limit offset :offset",
        {**params, "limit": limit, "offset": offset},
    )
    following = None
    if offset + limit < total:
        following = f"{site_url(datasette)}{request.path}?{urlencode({**query, 'offset': offset + limit})}"
    return _json(
        {
            "items": [api.to_json(resource, row) for row in rows.rows],
            "total": total,
            "limit": limit,
            "offset": offset,
            "next": following,
        }
    )


@read_only
async def item_view(datasette, request):
    resource = _resource(request)
    _query_without_parameters(request)
    key = api.item_key(resource, [unquote(part) for part in request.url_vars["key"].split("/")])
    condition = " and ".join(f"t.[{name}] = :{name}" for name in key)
    db = datasette.get_database(DATABASE)
    rows = (await db.execute(f"select {api.select(resource)} from [{resource.name}] t where {condition}", key)).rows
    if not rows:
        raise LookupError
    return _json(api.to_json(resource, rows[0]))


@read_only
async def not_found(datasette, request):
    raise LookupError


@hookimpl
def extra_template_vars(template, datasette):
    """The v1 API's operations and examples for the page Om data och API, from the OpenAPI document itself."""
    if template != "pages/data_and_api.html":
        return None

    async def api_v1():
        found = await samples(datasette)
        document = openapi.document(site_url(datasette), await vocabularies(datasette), found)
        operations = [
            {
                "path": path,
                "summary": item["get"]["summary"],
                "parameters": [p for p in item["get"].get("parameters", []) if p["in"] == "query"],
            }
            for path, item in document["paths"].items()
        ]
        path, resource, query = api.PROBLEM_EXAMPLE
        detail = ""
        try:
            api.conditions(api.RESOURCES[resource], query, await vocabularies(datasette))
        except api.BadRequest as error:
            detail = str(error)
        problem = {"type": "about:blank", "title": _TITLES[400], "status": 400, "detail": detail}
        return {
            "api_v1": {
                "operations": operations,
                "examples": api.examples(found),
                "prefix": api.PREFIX,
                "problem": (
                    path,
                    json.dumps({**problem, "instance": path.split("?")[0]}, ensure_ascii=False, indent=2),
                ),
            }
        }

    return api_v1


@hookimpl
def register_routes():
    prefix = api.PREFIX.replace("/", r"\/")
    return [
        (rf"^{prefix}/openapi\.json$", openapi_document),
        (rf"^{prefix}/api-info$", api_info),
        (rf"^{prefix}/(?P<resource>[a-z_]+)$", list_view),
        (rf"^{prefix}/(?P<resource>[a-z_]+)/(?P<key>.+)$", item_view),
        (rf"^{prefix}(/.*)?$", not_found),
    ]
