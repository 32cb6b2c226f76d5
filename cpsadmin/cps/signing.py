"""JD Cloud request signing: JDCLOUD2-HMAC-SHA256 and its JDCLOUD3 twin.

Pure functions, no HTTP. The client signs with `sign_request`; the simulator
checks incoming requests with `verify_authorization`. The rules follow §3 of
docs/reference/jdcloud-cps-api.md; the canonical URI and query use the
Python SDK v3 rules, which agree with the docs and the Go SDK for CPS paths.
"""

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote_plus

EMPTY_BODY_SHA256 = hashlib.sha256(b"").hexdigest()
DATE_HEADER = "x-jdcloud-date"
NONCE_HEADER = "x-jdcloud-nonce"

# The SDKs never sign these: proxies rewrite the user agent, and the
# authorization header cannot sign itself.
UNSIGNED_HEADERS = frozenset({"authorization", "user-agent"})

# Messages the JD API gateway uses for signing problems (§5 of the reference).
LACK_AUTHORIZATION = "lack of header authorization"
LACK_CREDENTIAL = "lack of credential in the header authorization"
LACK_SIGNED_HEADERS = "lack of header signedHeaders"
LACK_DATE = "lack of header x-jdcloud-date"
INVALID_CREDENTIALS = "Invalid authentication credentials"
INVALID_ACCESS_KEY = "Invalid accessKey"
SIGNATURE_MISMATCH = "sign result is not same"


@dataclass(frozen=True)
class Algorithm:
    name: str  # "JDCLOUD2" or "JDCLOUD3"
    token: str  # first word of the Authorization header
    terminator: str  # last element of the credential scope


JDCLOUD2 = Algorithm("JDCLOUD2", "JDCLOUD2-HMAC-SHA256", "jdcloud2_request")
JDCLOUD3 = Algorithm("JDCLOUD3", "JDCLOUD3-HMAC-SHA256", "jdcloud3_request")
ALGORITHMS = {a.name: a for a in (JDCLOUD2, JDCLOUD3)}
_BY_TOKEN = {a.token: a for a in (JDCLOUD2, JDCLOUD3)}


class SignatureError(Exception):
    """A request whose signature cannot be accepted; the message is the gateway's."""

    code = 401
    status = "ACCESS_ERROR"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ParsedAuthorization:
    algorithm: Algorithm
    access_key: str
    date: str  # YYYYMMDD from the credential scope
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str


# --- Canonical request parts (§3.1) -------------------------------------------


def _encode(value: str, safe: str = "") -> str:
    # quote() leaves A-Z a-z 0-9 - _ . ~ alone and writes upper-case hex.
    return quote(value, safe=safe)


def canonical_uri(path: str) -> str:
    """Decode the path, collapse slashes, then percent-encode all but `/`.

    Decoding first makes `:` and `%3A` on the wire sign identically; an invalid
    `%` sequence survives decoding and is then encoded as `%25`.
    """
    decoded = re.sub("/+", "/", unquote_plus(path))
    if not decoded:
        return "/"
    encoded = _encode(decoded, safe="/")
    return encoded if encoded.startswith("/") else "/" + encoded


def _query_pairs(query) -> list[tuple[str, str]]:
    if isinstance(query, Mapping):
        return [(str(k), str(v)) for k, v in query.items()]
    if not isinstance(query, str):
        return [(str(k), str(v)) for k, v in query]
    # Split on the first `=` only; a part without `=` is not a parameter.
    return [tuple(part.split("=", 1)) for part in query.split("&") if "=" in part]


def canonical_query(raw_query: str | Mapping[str, str] | Iterable = "") -> str:
    """Sorted `key=value` pairs, each side decoded once and re-encoded.

    Accepts the raw query string (no leading `?`), a mapping, or pairs.
    """
    pairs = []
    for key, value in _query_pairs(raw_query or ""):
        encoded_key = _encode(unquote_plus(key))
        if encoded_key:
            pairs.append((encoded_key, _encode(unquote_plus(value))))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def _as_text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def header_values(headers) -> dict[str, list[str]]:
    """Lower-case header names mapped to all their values, in order.

    Takes a dict (values may be lists), an httpx.Headers, or (name, value)
    pairs of str or bytes, so servers can pass whatever their framework has.
    """
    if hasattr(headers, "multi_items"):
        items = headers.multi_items()
    elif isinstance(headers, Mapping):
        items = headers.items()
    else:
        items = headers
    result: dict[str, list[str]] = {}
    for name, value in items:
        values = value if isinstance(value, list | tuple) else [value]
        key = _as_text(name).lower()
        result.setdefault(key, []).extend(_as_text(v) for v in values)
    return result


def canonical_headers(headers, names: Iterable[str]) -> str:
    """`name:value\\n` per signed header, sorted; values trimmed, joined by `,`."""
    values = header_values(headers)
    lines = []
    for name in sorted({n.lower() for n in names}):
        if name not in values:
            raise KeyError(name)
        lines.append(name + ":" + ",".join(v.strip() for v in values[name]))
    return "".join(line + "\n" for line in lines)


def default_signed_headers(headers) -> list[str]:
    """What the SDKs sign: every header present, plus host, minus a few."""
    names = set(header_values(headers)) - UNSIGNED_HEADERS
    return sorted(names | {"host"})


def body_sha256(body: bytes | str | None) -> str:
    if body is None:
        return EMPTY_BODY_SHA256
    if isinstance(body, str):
        body = body.encode("utf-8")
    return hashlib.sha256(body).hexdigest()


def canonical_request(
    method: str,
    path: str,
    query,
    headers,
    signed_headers: Iterable[str],
    body: bytes | str | None,
) -> str:
    names = sorted({n.lower() for n in signed_headers})
    parts = [
        method.upper(),
        canonical_uri(path),
        canonical_query(query),
        canonical_headers(headers, names),
        ";".join(names),
        body_sha256(body),
    ]
    return "\n".join(parts)


# --- String to sign and key (§3.2, §3.3) -------------------------------------


def _algorithm(algorithm: str | Algorithm) -> Algorithm:
    if isinstance(algorithm, Algorithm):
        return algorithm
    try:
        return ALGORITHMS[algorithm.upper()]
    except KeyError:
        raise ValueError(f"unknown signing algorithm {algorithm!r}") from None


def credential_scope(date: str, region: str, service: str, algorithm) -> str:
    return f"{date[:8]}/{region}/{service}/{_algorithm(algorithm).terminator}"


def string_to_sign(algorithm, jdcloud_date: str, scope: str, canonical: str) -> str:
    canonical_hash = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return "\n".join([_algorithm(algorithm).token, jdcloud_date, scope, canonical_hash])


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def signing_key(
    secret_key: str, date: str, region: str, service: str, algorithm
) -> bytes:
    algo = _algorithm(algorithm)
    k_date = _hmac((algo.name + secret_key).encode("utf-8"), date[:8])
    k_region = _hmac(k_date, region)
    k_service = _hmac(k_region, service)
    return _hmac(k_service, algo.terminator)


def signature(key: bytes, to_sign: str) -> str:
    return hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


# --- Signing (clients) -------------------------------------------------------


def sign_request(
    method: str,
    url_path: str,
    query,
    headers,
    body: bytes | str | None,
    *,
    access_key: str,
    secret_key: str,
    region: str,
    service: str = "cps",
    algorithm: str = "JDCLOUD2",
    signed_headers: Iterable[str] | None = None,
) -> str:
    """Return the Authorization header value for a request.

    `headers` must already hold `x-jdcloud-date` and every header to sign,
    `host` included (with `:port` when the port is not 80 or 443).
    `signed_headers=None` signs every header given except authorization and
    user-agent, as the SDKs do.
    """
    values = header_values(headers)
    if DATE_HEADER not in values:
        raise ValueError("x-jdcloud-date must be set before signing")
    names = sorted(
        {n.lower() for n in signed_headers}
        if signed_headers is not None
        else default_signed_headers(values)
    )
    missing = [n for n in names if n not in values]
    if missing:
        raise ValueError(f"headers to sign are missing: {', '.join(missing)}")

    date = values[DATE_HEADER][0].strip()
    canonical = canonical_request(method, url_path, query, values, names, body)
    scope = credential_scope(date, region, service, algorithm)
    key = signing_key(secret_key, date, region, service, algorithm)
    sig = signature(key, string_to_sign(algorithm, date, scope, canonical))
    return (
        f"{_algorithm(algorithm).token} Credential={access_key}/{scope}, "
        f"SignedHeaders={';'.join(names)}, Signature={sig}"
    )


# --- Verification (servers) --------------------------------------------------


def parse_authorization(value: str) -> ParsedAuthorization:
    """Split an Authorization header into its parts, or raise SignatureError."""
    token, _, rest = value.strip().partition(" ")
    fields = {}
    for part in rest.split(","):
        name, _, field_value = part.strip().partition("=")
        fields[name] = field_value.strip()

    algo = _BY_TOKEN.get(token)
    if algo is None:
        raise SignatureError(INVALID_CREDENTIALS)
    scope = fields.get("Credential", "").split("/")
    if len(scope) != 5 or not all(scope):
        raise SignatureError(LACK_CREDENTIAL)
    if not fields.get("SignedHeaders"):
        raise SignatureError(LACK_SIGNED_HEADERS)
    if scope[4] != algo.terminator or not fields.get("Signature"):
        raise SignatureError(INVALID_CREDENTIALS)

    return ParsedAuthorization(
        algorithm=algo,
        access_key=scope[0],
        date=scope[1],
        region=scope[2],
        service=scope[3],
        signed_headers=tuple(fields["SignedHeaders"].lower().split(";")),
        signature=fields["Signature"].lower(),
    )


def _require_headers(auth: ParsedAuthorization, values: dict) -> str:
    # host must be signed so a request cannot be replayed at another endpoint.
    # date and nonce need not be: the official Python SDK 1.6.354 signs neither.
    if "host" not in auth.signed_headers:
        raise SignatureError("lack of header host")
    for name in auth.signed_headers:
        if name not in values:
            raise SignatureError(f"lack of header {name}")
    if DATE_HEADER not in values:
        raise SignatureError(LACK_DATE)
    date = values[DATE_HEADER][0].strip()
    if date[:8] != auth.date:
        raise SignatureError(INVALID_CREDENTIALS)
    return date


def verify_authorization(
    method: str,
    raw_path: str | bytes,
    raw_query: str | bytes,
    headers,
    body: bytes | None,
    secret_for_access_key: Callable[[str], str | None],
    *,
    service: str | None = None,
) -> str:
    """Check a request's signature and return its access key.

    `raw_path` and `raw_query` are as received (percent-encoded, no `?`);
    `body` is the raw bytes. Raises SignatureError with the gateway message.
    Pass `service` to also insist on the service named in the scope.
    """
    values = header_values(headers)
    header = values.get("authorization", [""])[0].strip()
    if not header:
        raise SignatureError(LACK_AUTHORIZATION)
    auth = parse_authorization(header)
    if service is not None and auth.service != service:
        raise SignatureError(INVALID_CREDENTIALS)
    date = _require_headers(auth, values)
    secret = secret_for_access_key(auth.access_key)
    if not secret:
        raise SignatureError(INVALID_ACCESS_KEY)

    canonical = canonical_request(
        method,
        _as_text(raw_path),
        _as_text(raw_query or ""),
        values,
        auth.signed_headers,
        body,
    )
    scope = credential_scope(date, auth.region, auth.service, auth.algorithm)
    key = signing_key(secret, date, auth.region, auth.service, auth.algorithm)
    expected = signature(key, string_to_sign(auth.algorithm, date, scope, canonical))
    if not hmac.compare_digest(expected, auth.signature):
        raise SignatureError(SIGNATURE_MISMATCH)
    return auth.access_key
