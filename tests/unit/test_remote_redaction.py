"""Credentials out of every message of the SPARQL endpoint client, without a server: the
checks on the credentials the environment gives, the redaction of URLs and of what a
server says, and the sizes of ``--max-answer-size`` (against small servers:
``tests/integration/test_remote_limits.py``).
"""

from __future__ import annotations

import base64
import string
import unicodedata
import urllib.parse

import click
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from aiplus_kg.cli.options import ByteSize
from aiplus_kg.errors import InputError
from aiplus_kg.query import remote

URL = "http://127.0.0.1:9/sparql"
VISIBLE_ASCII = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1)
CONTROL = st.characters(categories=["Cc"]) | st.sampled_from(["\u2028", "\u2029"])
CREDENTIAL_NAMES = [
    "token",
    "access_token",
    "id_token",
    "key",
    "apikey",
    "api_key",
    "api-key",
    "password",
    "passwd",
    "pwd",
    "auth",
    "authorization",
    "secret",
    "client_secret",
    "sig",
    "signature",
    "sessionid",
    "X-Amz-Credential",
]


def refusals(variable: str) -> set[str]:
    """Every message a malformed credential can give: they name the variable, and
    none depends on the value."""
    return {
        f"{variable} starts or ends with white space or a line break; remove it",
        f"{variable} holds a control character or a line break; remove it",
        f"{variable} is not valid text in the locale's encoding",
        f"{variable} holds characters that cannot go in an HTTP header: "
        "only visible ASCII characters, no spaces",
        f"{variable} holds a colon, which HTTP Basic does not allow",
    }


def plain(value: str) -> bool:
    """What HTTP Basic takes: no white space at either end, no control character."""
    lines = ("Cc", "Zl", "Zp")
    return value == value.strip() and not any(unicodedata.category(c) in lines for c in value)


def env_with(variable: str, value: str) -> dict[str, str]:
    env = {remote.ENV_USER: "reader", remote.ENV_PASSWORD: "pass-word"}
    return {variable: value} if variable == remote.ENV_TOKEN else {**env, variable: value}


# --- the credentials of the environment -------------------------------------------------


@given(token=VISIBLE_ASCII)
def test_any_visible_ascii_token_is_sent_as_it_is(token: str) -> None:
    target = remote.endpoint(URL, env={remote.ENV_TOKEN: token})
    assert target.auth == {"Authorization": f"Bearer {token}"}


@given(
    variable=st.sampled_from([remote.ENV_TOKEN, remote.ENV_USER, remote.ENV_PASSWORD]),
    before=st.text(),
    bad=CONTROL | st.sampled_from([" ", "\t", "\u00a0", "\u3000"]),
    after=st.text(),
    where=st.sampled_from(["start", "middle", "end"]),
)
def test_a_control_character_or_surrounding_space_is_refused(
    variable: str, before: str, bad: str, after: str, where: str
) -> None:
    value = {"start": bad + before, "middle": f"x{before}{bad}{after}x", "end": before + bad}[where]
    assume(not bad.isspace() or where != "middle" or variable == remote.ENV_TOKEN)
    with pytest.raises(InputError) as excinfo:
        remote.endpoint(URL, env=env_with(variable, value))
    assert str(excinfo.value) in refusals(variable)


@given(token=st.text(min_size=1).filter(lambda t: any(not "!" <= c <= "~" for c in t)))
def test_a_token_that_cannot_go_in_a_header_is_refused(token: str) -> None:
    with pytest.raises(InputError) as excinfo:
        remote.endpoint(URL, env={remote.ENV_TOKEN: token})
    assert str(excinfo.value) in refusals(remote.ENV_TOKEN)


@given(
    user=st.text(min_size=1).filter(lambda u: ":" not in u),
    password=st.text(min_size=1),
)
def test_a_basic_pair_is_sent_or_refused_by_name(user: str, password: str) -> None:
    env = {remote.ENV_USER: user, remote.ENV_PASSWORD: password}
    if not (plain(user) and plain(password)):
        with pytest.raises(InputError) as excinfo:
            remote.endpoint(URL, env=env)
        assert str(excinfo.value) in refusals(remote.ENV_USER) | refusals(remote.ENV_PASSWORD)
        return
    target = remote.endpoint(URL, env=env)
    pair = base64.b64decode(target.auth["Authorization"].removeprefix("Basic "))
    assert pair.decode("utf-8") == f"{user}:{password}"


def test_a_surrogate_is_refused() -> None:
    # what os.environ makes of bytes that are not valid in the locale's encoding
    with pytest.raises(InputError, match="AIPLUS_ENDPOINT_PASSWORD is not valid text"):
        remote.endpoint(URL, env={remote.ENV_USER: "reader", remote.ENV_PASSWORD: "pa\udcffss"})


def test_a_colon_in_the_user_is_refused() -> None:
    with pytest.raises(InputError, match="AIPLUS_ENDPOINT_USER holds a colon"):
        remote.endpoint(URL, env={remote.ENV_USER: "a:b", remote.ENV_PASSWORD: "c"})


# --- URLs ---------------------------------------------------------------------------------


@given(
    name=st.sampled_from(CREDENTIAL_NAMES),
    upper=st.booleans(),
    secret=st.text(min_size=1),
    where=st.sampled_from(["?", "#"]),
)
def test_a_credential_parameter_is_masked(name: str, upper: bool, secret: str, where: str) -> None:
    name = name.upper() if upper else name
    value = urllib.parse.quote(secret, safe="")
    url = f"https://store.example/ds/sparql{where}a=1&{name}={value}&default"
    assert remote.redact_url(url) == (
        f"https://store.example/ds/sparql{where}a=1&{name}={remote.MASK}&default"
    )


@given(secret=st.text(string.ascii_letters + string.digits + "-._~+/=", min_size=1))
def test_user_information_is_masked(secret: str) -> None:
    url = f"http://reader:{secret}@store.example:7878/store?x=1"
    assert remote.redact_url(url) == f"http://{remote.MASK}@store.example:7878/store?x=1"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:7878/query?union-default-graph",
        "http://h/ds/data?graph=https%3A%2F%2Fw3id.org%2Faiplus%2Fontology&default",
        "https://h:8443/repositories/REPO#top",
        "http://[::1]:9/sparql?author=ada",
    ],
)
def test_other_urls_are_kept_as_written(url: str) -> None:
    assert remote.redact_url(url) == url.replace("author=ada", f"author={remote.MASK}")


def test_urls_in_a_message_are_masked_and_punctuation_kept() -> None:
    text = "see http://h/a?token=abc: or (http://h/b?key=x&y=1), http://h/c."
    assert remote.redact(text) == (
        "see http://h/a?token=***: or (http://h/b?key=***&y=1), http://h/c."
    )


# --- what a server says -------------------------------------------------------------------


@given(
    token=VISIBLE_ASCII,
    url_secret=st.text(min_size=1),
    name=st.sampled_from(CREDENTIAL_NAMES),
    around=st.lists(st.text(), min_size=3, max_size=3),
)
def test_no_credential_survives_in_what_a_server_says(
    token: str, url_secret: str, name: str, around: list[str]
) -> None:
    # a secret made of the mask's own characters could not be told from the mask
    assume(token.strip("*") and url_secret.strip("*"))
    url = f"{URL}?{name}={urllib.parse.quote(url_secret, safe='')}"
    target = remote.endpoint(url, env={remote.ENV_TOKEN: token})
    said = f"{around[0]}{token}{around[1]}{url_secret}{around[2]} Bearer {token} {url}"
    for shown in (target.redact(said), str(target.error(said))):
        assert token not in shown
        assert url_secret not in shown
        assert urllib.parse.quote(url_secret, safe="") not in shown
        assert "\n" not in shown


@given(
    user=st.text(string.ascii_letters, min_size=3),
    password=st.text(min_size=1).filter(lambda p: p == p.strip()),
    echo=st.text(),
)
def test_no_password_survives_in_what_a_server_says(user: str, password: str, echo: str) -> None:
    assume(password.strip("*") and user.strip("*"))
    try:
        target = remote.endpoint(URL, env={remote.ENV_USER: user, remote.ENV_PASSWORD: password})
    except InputError:
        return  # a malformed password, refused (see above)
    header = target.auth["Authorization"]
    shown = target.redact(f"{echo}{password}{echo} {header} {user}:{password}")
    assert password not in shown
    assert header.removeprefix("Basic ") not in shown


def test_the_repr_of_an_endpoint_shows_no_credential() -> None:
    target = remote.endpoint(f"{URL}?apikey=K3Y", env={remote.ENV_TOKEN: "T0KEN"})
    assert "K3Y" not in repr(target)
    assert "T0KEN" not in repr(target)


# --- sizes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("0", 0),
        ("1000", 1000),
        ("512K", 512 << 10),
        ("256M", 256 << 20),
        ("256m", 256 << 20),
        ("256 MiB", 256 << 20),
        ("2GB", 2 << 30),
        ("1T", 1 << 40),
    ],
)
def test_sizes(text: str, size: int) -> None:
    assert ByteSize().convert(text, None, None) == size


@pytest.mark.parametrize("text", ["", "M", "1.5M", "-1", "12X", "one"])
def test_not_sizes(text: str) -> None:
    with pytest.raises(click.BadParameter, match="is not a size in bytes"):
        ByteSize().convert(text, None, None)


@pytest.mark.parametrize(
    ("size", "text"),
    [(100, "100 bytes"), (1024, "1 KiB"), (1536, "1.5 KiB"), (256 << 20, "256 MiB")],
)
def test_size_text(size: int, text: str) -> None:
    assert remote.size_text(size) == text
