"""Signing vectors (§3.8 of docs/reference/jdcloud-cps-api.md) and round trips."""

import pytest

from cpsadmin.cps import signing
from cpsadmin.cps.signing import SignatureError, sign_request, verify_authorization

# --- A. The official docs vector ---------------------------------------------

A_HEADERS = {
    "x-jdcloud-date": "20190214T104514Z",
    "x-jdcloud-nonce": "testnonce",
    "x-my-header": "test",
    "x-my-header_blank": " blank",
}
A_CANONICAL = (
    "POST\n"
    "/v1/resource%3Aaction\n"
    "o=%25&p0=p0&p1=p1&u=u\n"
    "x-jdcloud-date:20190214T104514Z\n"
    "x-jdcloud-nonce:testnonce\n"
    "x-my-header:test\n"
    "x-my-header_blank:blank\n"
    "\n"
    "x-jdcloud-date;x-jdcloud-nonce;x-my-header;x-my-header_blank\n"
    "e51832a118eeff7ad976d635b7d04538e362e4c21bd0f6253580b0a83a209074"
)
A_STRING_TO_SIGN = (
    "JDCLOUD2-HMAC-SHA256\n"
    "20190214T104514Z\n"
    "20190214/cn-north-1/test/jdcloud2_request\n"
    "fb2e317056269590681d091f8eb22272967c0b922b2deda887312215ea4eed4c"
)


def test_docs_vector_builds_the_documented_canonical_request():
    canonical = signing.canonical_request(
        "POST",
        "/v1/resource:action",
        "p1=p1&p0=p0&o=%&u=u",
        A_HEADERS,
        list(A_HEADERS),
        b"body data",
    )

    assert canonical == A_CANONICAL


def test_docs_vector_builds_the_documented_string_to_sign():
    scope = signing.credential_scope("20190214", "cn-north-1", "test", "JDCLOUD2")

    to_sign = signing.string_to_sign("JDCLOUD2", "20190214T104514Z", scope, A_CANONICAL)

    assert to_sign == A_STRING_TO_SIGN


def test_docs_vector_derives_the_documented_intermediate_keys():
    h = signing._hmac
    k_date = h(b"JDCLOUD2TESTSK", "20190214")
    k_region = h(k_date, "cn-north-1")
    k_service = h(k_region, "test")

    assert k_date.hex() == (
        "dbbdee87f18afeedd6456923587f5323b90c3a77fbc6e381b243c90c672d5daf"
    )
    assert k_region.hex() == (
        "78e1da51757851329da8e31a6bad9f509c4816cacb8d5b2b9d171e49498ce4b6"
    )
    assert k_service.hex() == (
        "44050ec21c8e839f36ff5b2d44ec4a5876f4ffd6ef9a7a692a3eba40396bdb68"
    )
    assert signing.signing_key(
        "TESTSK", "20190214", "cn-north-1", "test", "JDCLOUD2"
    ).hex() == ("a4e50bcb6001be0008696b173c30172b5ce22a77db00d21c6a9d69de2ba33b7d")


def test_docs_vector_gives_the_documented_authorization():
    authorization = sign_request(
        "POST",
        "/v1/resource:action",
        "p1=p1&p0=p0&o=%&u=u",
        A_HEADERS,
        b"body data",
        access_key="TESTAK",
        secret_key="TESTSK",
        region="cn-north-1",
        service="test",
        signed_headers=list(A_HEADERS),
    )

    assert authorization == (
        "JDCLOUD2-HMAC-SHA256 "
        "Credential=TESTAK/20190214/cn-north-1/test/jdcloud2_request, "
        "SignedHeaders=x-jdcloud-date;x-jdcloud-nonce;x-my-header;x-my-header_blank, "
        "Signature=2a98f83c074e7bee260bfc8ef64f009c07595bd93f7f0c3f4e156bf6479ed9bf"
    )


# --- B. Python SDK 1.6.354 signer_test.py (JDCLOUD3) --------------------------

B_PREFIX = (
    "JDCLOUD3-HMAC-SHA256 "
    "Credential=ak/20190917/cn-north-1/apigatewaytestproductline/jdcloud3_request, "
    "SignedHeaders=content-type;host;x-jdcloud-date;x-jdcloud-nonce, Signature="
)
B_PATH = "/v1/regions/cn-north-1/instances"
PUNCTUATION = "`!@#$%^&*()=+/0123456789/[]\\;',<>?:\"{}|"
LETTERS = "/abcdefghijklmnopqrstuvwxyz/ABCDEFGHIJKLMNOPQRSTUVWXYZ/-_.~"
# The query cases drop `&` and `=` from the punctuation, which would split them.
QUERY_PUNCTUATION = "/ /`!@#$%^*()+/0123456789/[]\\;',<>?:\"{}|" + LETTERS


def sign_b(path=B_PATH, query="", nonce="X-Jdcloud-Nonce"):
    headers = {
        "host": "apigw-internal-dev.cn-north-1.jcloudcs.com:8000",
        "x-jdcloud-date": "20190917T064708Z",
        "x-jdcloud-nonce": nonce,
        "content-type": "application/json",
    }
    return sign_request(
        "GET",
        path,
        query,
        headers,
        b"",
        access_key="ak",
        secret_key="sk",
        region="cn-north-1",
        service="apigatewaytestproductline",
        algorithm="JDCLOUD3",
    )


PATH_CASES = [
    # (test name, path, canonical URI or None, signature)
    (
        "path_null",
        "",
        "/",
        "44c5ec30b6185516986ae171d8276552bc0f37f6a536a44e4f578958fc1c12be",
    ),
    (
        "path_nullSlashes",
        "v1",
        "/v1",
        "92cd3ed582c13af58b4c81ddad150c350e656c6cc9e78ec154d7385e499b91b6",
    ),
    (
        "path_endSlashes",
        "v1/",
        "/v1/",
        "035689ae2ce6a3603928ac3d60a6d2fbfb550d33c5da983342a6356419ccd914",
    ),
    (
        "path_chineseCharacters",
        "/v1/regions/cn-north-1/instances/中文:GET",
        "/v1/regions/cn-north-1/instances/%E4%B8%AD%E6%96%87%3AGET",
        "936ed2dcb6fb4271ad640e0f46f1fe61763a0bad8bb4f4eb1224261f969612fa",
    ),
    (
        "path_encodeIncludeEncodedSlashes",
        "%2Fv1%2Fregions%2F%2F%2Fcn-north-1%2Finstances",
        "/v1/regions/cn-north-1/instances",
        "33df199719f9edc6de860e6b53c61d4824e1f389e6030fd37ddc977fda29e467",
    ),
    (
        "path_partEncode",
        "/v1%2Fregions/cn-north-1%2F%2F%2Finstances",
        "/v1/regions/cn-north-1/instances",
        "33df199719f9edc6de860e6b53c61d4824e1f389e6030fd37ddc977fda29e467",
    ),
    (
        "path_wrongPercentEncode",
        "/v1/%2/%2f/%2b%f",
        "/v1/%252/%2B%25f",
        "6610271450ea321baab326f8debc51a2e4dd7e73b04200275a1d9b3897045caf",
    ),
    (
        "path_partEncode_includeSpecialChar",
        "/v1%2Fregions/cn-north-1%2F%2F%2Finstances/ + /+/ +/+ /%2B%20%2B%2F%2F",
        "/v1/regions/cn-north-1/instances/%20%20%20/%20/%20%20/%20%20/%2B%20%2B/",
        "7286237483a7fcc51ff7621c9a5c586a0ec85fd06cbf91c20adde2ec3b5e4d97",
    ),
    (
        "path_specialCharacters",
        "/v1/regions/cn-north-1/instances/ /" + PUNCTUATION + LETTERS + ":GET",
        None,
        "925b9455228ef23ee7ec2dd3e33f7e645bcbcb3f4732894c17e4a0cf1d41d1e6",
    ),
    (
        "path_doubleSlashes",
        "///v1/regions/cn-north-1/instances//// //"
        + PUNCTUATION
        + "/////abcdefghijklmnopqrstuvwxyz//ABCDEFGHIJKLMNOPQRSTUVWXYZ/-_.~:GET/",
        None,
        "92e4897d2a74a899399f5443615ddf110978363b9097932e522e079e6eb5f65b",
    ),
    (
        "path_encode",
        "/v1/regions/cn-north-1/instances/%20/%60%21%40%23%24%25%5E%26%2A%28%29%3D%2B"
        "/0123456789/%5B%5D%5C%5C%3B%27%2C%3C%3E%3F%3A%5C%22%7B%7D%7C"
        "/abcdefghijklmnopqrstuvwxyz/ABCDEFGHIJKLMNOPQRSTUVWXYZ/-_.~%3AGET",
        None,
        "027b5bbd35956b84b8773eb450c0405cb4e424eab13f64828926ee41838c48d0",
    ),
]


@pytest.mark.parametrize(
    "path,canonical,sig", [c[1:] for c in PATH_CASES], ids=[c[0] for c in PATH_CASES]
)
def test_sdk_path_vector_signs_as_the_sdk_does(path, canonical, sig):
    if canonical is not None:
        assert signing.canonical_uri(path) == canonical
    assert sign_b(path=path) == B_PREFIX + sig


QUERY_CASES = [
    (
        "query_nullKey",
        "=a&a=a",
        "a=a",
        "43efb5fb00e86faf35d8bf0bed3b72e84cfc98ee4754065e29c3caa7bcaa12cb",
    ),
    (
        "query_nullKeyAndValue",
        "=&a=a",
        "a=a",
        "43efb5fb00e86faf35d8bf0bed3b72e84cfc98ee4754065e29c3caa7bcaa12cb",
    ),
    (
        "query_repeatQueryquery",
        "aa=aa&aa%3Daa=&aa=aa%3D&aa=&aa=aaa&aaa=aaa&aaa=aa&aaa=a&ab=aa&ab=aa"
        "&cc=&cc=&bb=aa&bb=",
        "aa=&aa=aa&aa=aa%3D&aa=aaa&aa%3Daa=&aaa=a&aaa=aa&aaa=aaa&ab=aa&ab=aa"
        "&bb=&bb=aa&cc=&cc=",
        "8ccc3c9af11e964b3c5d6020d2af49e97e27fbb23e2b8f57bdc84815e471d54b",
    ),
    (
        "query_partEncode",
        " =blank&%20=blank&+= 2&%2b= 1&blank= &blank=+&blank=%20",
        "%20=%202&%20=blank&%20=blank&%2B=%201&blank=%20&blank=%20&blank=%20",
        "78c0a4db84050d773533c78c1a0f73bf974faf5df881e39b18c3e0de8110324e",
    ),
    (
        "query_wrongPercentEncode",
        " =blank&%2=blank&+=jia0&%2b=jia1&%2B=jia2&blank= %2b%2f%2/&blank=+"
        "&%2/blank=%0%f",
        "%20=blank&%20=jia0&%252=blank&%252%2Fblank=%250%25f&%2B=jia1&%2B=jia2"
        "&blank=%20&blank=%20%2B%2F%252%2F",
        "972987a6f95be456935cde8be8f106114e2ad27465a507644e61f021a98a7218",
    ),
    (
        "query_chinese",
        "中文参数=中文参数值",
        "%E4%B8%AD%E6%96%87%E5%8F%82%E6%95%B0"
        "=%E4%B8%AD%E6%96%87%E5%8F%82%E6%95%B0%E5%80%BC",
        "7e3094d23adde49fcc99b7d0de911d7ecaa7767590edd57769d7bdbaca919276",
    ),
    (
        "query_specialCharacters0",
        "special key=" + QUERY_PUNCTUATION + "&" + QUERY_PUNCTUATION + "=special value",
        None,
        "684a4397896f81eaefbba29c42be66080b32993dce700e1647608a64595fd655",
    ),
    (
        "query_specialCharacters2",
        {
            "nullValue": "",
            "": "nullKey",
            "specialValue": "&&==&==&&=&=",
            "&&==&==&&=&=": "specialKey",
        },
        None,
        "cc1b199ef770ffc179b3915b9cefa83024bda9d88638c19fe079292de5b91546",
    ),
]


@pytest.mark.parametrize(
    "query,canonical,sig", [c[1:] for c in QUERY_CASES], ids=[c[0] for c in QUERY_CASES]
)
def test_sdk_query_vector_signs_as_the_sdk_does(query, canonical, sig):
    if canonical is not None:
        assert signing.canonical_query(query) == canonical
    assert sign_b(query=query) == B_PREFIX + sig


HEADER_CASES = [
    (
        "head_one_blank",
        " X-Jdcloud- -Nonce ",
        "x-jdcloud-nonce:X-Jdcloud- -Nonce\n",
        "5d955d1de475eac2b4378473ca0adce8fddd13f45d2be53bc2ffb6eee6450ba4",
    ),
    (
        "head_more_blank",
        "  X-Jdcloud-  -Nonce  ",
        "x-jdcloud-nonce:X-Jdcloud-  -Nonce\n",
        "a03bb8d755cb93e4d8846fe5fcad180f319fa50356f63e8afdc749bd1a95695f",
    ),
    (
        "head_multiValues",
        ["aaa"],
        "x-jdcloud-nonce:aaa\n",
        "12ed9fbf2f8ebe6afcdd23853c9e58f37642f8a0361765557d2e4915f1e995e4",
    ),
    (
        "head_special_characters0",
        "/" + PUNCTUATION + LETTERS,
        None,
        "9046b11889b993a808fccf1322f7f04e7e5a7e0cc22d8b65e9986a8aab986ad7",
    ),
    (
        # Backslash-letter pairs, not control characters, as in the SDK test.
        "head_special_characters1",
        r" \n  as\r\n \r df\r\n   ",
        r"x-jdcloud-nonce:\n  as\r\n \r df\r\n" + "\n",
        "b30037126cdc4385e957e24e6d73ea28a8fb66f71ee68b8f60de12d3292d19c6",
    ),
]


@pytest.mark.parametrize(
    "nonce,canonical,sig",
    [c[1:] for c in HEADER_CASES],
    ids=[c[0] for c in HEADER_CASES],
)
def test_sdk_header_vector_signs_as_the_sdk_does(nonce, canonical, sig):
    if canonical is not None:
        headers = {"x-jdcloud-nonce": nonce}
        assert signing.canonical_headers(headers, ["x-jdcloud-nonce"]) == canonical
    assert sign_b(nonce=nonce) == B_PREFIX + sig


def test_the_sdk_vectors_cover_all_24_cases():
    assert len(PATH_CASES) + len(QUERY_CASES) + len(HEADER_CASES) == 24


# --- C. CPS-shaped project vectors --------------------------------------------

C_HEADERS = {
    "host": "cps.jdcloud-api.com",
    "x-jdcloud-date": "20180404T061302Z",
    "x-jdcloud-nonce": "ed558a3b-9808-4edb-8597-187bda63a4f2",
    "content-type": "application/json",
}
STOP_PATH = "/v1/regions/cn-north-1/instances/cps-abc123:stopInstance"
STOP_BODY = b'{"clientToken":"tok-1"}'
C2_QUERY = (
    "filters.1.name=status&filters.1.values.1=running&filters.1.values.2=stopped"
    "&name=web%2001&pageNumber=1&pageSize=20"
)


def sign_c(path, query, body, algorithm="JDCLOUD2", signed_headers=None, method="PUT"):
    return sign_request(
        method,
        path,
        query,
        C_HEADERS,
        body,
        access_key="ak",
        secret_key="sk",
        region="cn-north-1",
        algorithm=algorithm,
        signed_headers=signed_headers,
    )


def canonical_sha256(path, query, body, names, method="PUT"):
    import hashlib

    canonical = signing.canonical_request(method, path, query, C_HEADERS, names, body)
    return hashlib.sha256(canonical.encode()).hexdigest()


def test_stop_body_hashes_as_documented():
    assert signing.body_sha256(STOP_BODY) == (
        "25186dba636860480f6e337d0b06302bcc56635011aef16f71f82b16f9e415df"
    )


@pytest.mark.parametrize("path", [STOP_PATH, STOP_PATH.replace(":", "%3A")])
def test_stop_vector_v2_signs_the_colon_as_percent_3a(path):
    all_four = ["content-type", "host", "x-jdcloud-date", "x-jdcloud-nonce"]

    assert signing.canonical_uri(path) == (
        "/v1/regions/cn-north-1/instances/cps-abc123%3AstopInstance"
    )
    assert canonical_sha256(path, "", STOP_BODY, all_four) == (
        "99e6a91ba8911267da8cbd014a3335af5c8c3e4792e59b7773780ba22c6a0b5c"
    )
    assert sign_c(path, "", STOP_BODY) == (
        "JDCLOUD2-HMAC-SHA256 "
        "Credential=ak/20180404/cn-north-1/cps/jdcloud2_request, "
        "SignedHeaders=content-type;host;x-jdcloud-date;x-jdcloud-nonce, "
        "Signature=adbefe7c90486b728dabe5472e306a60d7cc3037ea07e5e95ed0e0e1cda1c9f7"
    )


def test_stop_vector_v3_differs_from_v2_only_in_constants():
    assert sign_c(STOP_PATH, "", STOP_BODY, algorithm="JDCLOUD3") == (
        "JDCLOUD3-HMAC-SHA256 "
        "Credential=ak/20180404/cn-north-1/cps/jdcloud3_request, "
        "SignedHeaders=content-type;host;x-jdcloud-date;x-jdcloud-nonce, "
        "Signature=20e53e320cb0c261b64b4fca060905356d562434690c2c7877233bd805f1decb"
    )


def test_stop_vector_v3_with_the_python_sdk_signed_headers():
    names = ["content-type", "host"]

    assert canonical_sha256(STOP_PATH, "", STOP_BODY, names) == (
        "4573966c7b29e308db72abb276606430e768b88fdfc7be34b12b330b249e42e5"
    )
    assert sign_c(
        STOP_PATH, "", STOP_BODY, algorithm="JDCLOUD3", signed_headers=names
    ) == (
        "JDCLOUD3-HMAC-SHA256 "
        "Credential=ak/20180404/cn-north-1/cps/jdcloud3_request, "
        "SignedHeaders=content-type;host, "
        "Signature=6ba3084b7a2c06e751a7dcee2f278a04f0115c1de16195359b1374f8eb339ff5"
    )


def test_describe_instances_vector_signs_the_query_as_written():
    path = "/v1/regions/cn-north-1/instances"
    all_four = ["content-type", "host", "x-jdcloud-date", "x-jdcloud-nonce"]

    assert signing.canonical_query(C2_QUERY) == C2_QUERY
    assert canonical_sha256(path, C2_QUERY, b"", all_four, method="GET") == (
        "ba1daa703d0b713aab22b6d48a6cbfcbd376c0aada1712a694c451903d1addc9"
    )
    assert sign_c(path, C2_QUERY, b"", method="GET").endswith(
        "Signature=32608b290635a4e75e953d09a1f0d56f6b3a849cf8930c762c356302ae4930a1"
    )


# --- Round trips through verify_authorization --------------------------------

SECRETS = {"ak": "sk"}


def signed_stop(algorithm="JDCLOUD2", signed_headers=None, path=STOP_PATH):
    headers = dict(C_HEADERS)
    headers["authorization"] = sign_c(
        path, "", STOP_BODY, algorithm=algorithm, signed_headers=signed_headers
    )
    return headers


def verify(headers, path=STOP_PATH, query="", body=STOP_BODY, method="PUT"):
    return verify_authorization(method, path, query, headers, body, SECRETS.get)


def test_verify_accepts_a_good_signature_and_returns_the_access_key():
    assert verify(signed_stop()) == "ak"


@pytest.mark.parametrize("wire_path", [STOP_PATH, STOP_PATH.replace(":", "%3A")])
def test_verify_accepts_both_a_literal_colon_and_percent_3a(wire_path):
    assert verify(signed_stop(), path=wire_path) == "ak"


def test_verify_accepts_jdcloud3():
    assert verify(signed_stop(algorithm="JDCLOUD3")) == "ak"


def test_verify_accepts_the_python_sdk_which_signs_only_content_type_and_host():
    headers = signed_stop(algorithm="JDCLOUD3", signed_headers=["content-type", "host"])

    assert verify(headers) == "ak"


def test_verify_accepts_httpx_headers_and_byte_pairs():
    import httpx

    headers = signed_stop()
    raw = [(k.encode(), v.encode()) for k, v in headers.items()]

    assert verify(httpx.Headers(headers)) == "ak"
    assert verify(raw, path=STOP_PATH.encode()) == "ak"


def test_verify_accepts_a_signed_query_in_any_order():
    path = "/v1/regions/cn-north-1/instances"
    headers = dict(C_HEADERS, authorization=sign_c(path, C2_QUERY, b"", method="GET"))
    shuffled = "&".join(reversed(C2_QUERY.split("&")))

    assert verify(headers, path=path, query=shuffled, body=b"", method="GET") == "ak"


def assert_rejected(message, headers, **request):
    with pytest.raises(SignatureError) as caught:
        verify(headers, **request)
    assert caught.value.message == message
    assert caught.value.code == 401
    assert caught.value.status == "ACCESS_ERROR"


def test_verify_rejects_a_tampered_body():
    assert_rejected(
        "sign result is not same", signed_stop(), body=b'{"clientToken":"tok-2"}'
    )


def test_verify_rejects_a_tampered_path():
    other = STOP_PATH.replace("stopInstance", "reinstallInstance")

    assert_rejected("sign result is not same", signed_stop(), path=other)


def test_verify_rejects_a_tampered_query():
    assert_rejected("sign result is not same", signed_stop(), query="pageSize=100")


def test_verify_rejects_a_tampered_signed_header():
    headers = dict(signed_stop(), **{"x-jdcloud-nonce": "replayed"})

    assert_rejected("sign result is not same", headers)


def test_verify_rejects_a_wrong_secret_key():
    headers = dict(C_HEADERS)
    headers["authorization"] = sign_request(
        "PUT",
        STOP_PATH,
        "",
        C_HEADERS,
        STOP_BODY,
        access_key="ak",
        secret_key="not-sk",
        region="cn-north-1",
    )

    assert_rejected("sign result is not same", headers)


def test_verify_rejects_an_unknown_access_key():
    headers = signed_stop()
    headers["authorization"] = headers["authorization"].replace(
        "Credential=ak/", "Credential=nobody/"
    )

    assert_rejected("Invalid accessKey", headers)


def test_verify_rejects_a_request_without_authorization():
    assert_rejected("lack of header authorization", dict(C_HEADERS))


def test_verify_rejects_an_authorization_without_credential():
    headers = dict(C_HEADERS, authorization="JDCLOUD2-HMAC-SHA256 Signature=abc")

    assert_rejected("lack of credential in the header authorization", headers)


def test_verify_rejects_an_authorization_without_signed_headers():
    headers = signed_stop()
    auth = headers["authorization"]
    headers["authorization"] = auth.replace(
        "SignedHeaders=content-type;host;x-jdcloud-date;x-jdcloud-nonce, ", ""
    )

    assert_rejected("lack of header signedHeaders", headers)


def test_verify_rejects_an_unknown_algorithm():
    headers = signed_stop()
    headers["authorization"] = headers["authorization"].replace("JDCLOUD2", "AWS4", 1)

    assert_rejected("Invalid authentication credentials", headers)


def test_verify_rejects_a_request_whose_host_is_not_signed():
    names = ["content-type", "x-jdcloud-date", "x-jdcloud-nonce"]

    assert_rejected("lack of header host", signed_stop(signed_headers=names))


def test_verify_rejects_a_request_missing_the_date_header():
    headers = signed_stop(algorithm="JDCLOUD3", signed_headers=["content-type", "host"])
    del headers["x-jdcloud-date"]

    assert_rejected("lack of header x-jdcloud-date", headers)


def test_verify_rejects_a_date_that_differs_from_the_scope_date():
    headers = signed_stop(algorithm="JDCLOUD3", signed_headers=["content-type", "host"])
    headers["x-jdcloud-date"] = "20180405T061302Z"

    assert_rejected("Invalid authentication credentials", headers)


def test_verify_takes_the_region_from_the_credential_scope():
    headers = dict(C_HEADERS)
    headers["authorization"] = sign_request(
        "GET",
        "/v1/regions",
        "",
        C_HEADERS,
        b"",
        access_key="ak",
        secret_key="sk",
        region="jdcloud-api",
    )

    assert verify(headers, path="/v1/regions", body=b"", method="GET") == "ak"


def test_sign_request_refuses_to_sign_without_a_date():
    headers = {"host": "cps.jdcloud-api.com"}

    with pytest.raises(ValueError, match="x-jdcloud-date"):
        sign_request(
            "GET", "/", "", headers, b"", access_key="a", secret_key="s", region="r"
        )
