"""QR tokens: Ed25519-signed, canonical, and any change makes them fail."""

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workerhub.skills.signing import (
    generate_keypair,
    load_private_key,
    load_public_key,
    private_key_to_pem,
    public_key_to_pem,
    public_key_to_raw,
    sign_token,
    verify_token,
)

NUMBER = "S000033000123253000001"
PRIVATE, PUBLIC = generate_keypair()
TOKEN = sign_token(NUMBER, PRIVATE)


def test_a_token_is_the_number_and_an_86_character_signature():
    number, sig = TOKEN.split(".")
    assert number == NUMBER and len(sig) == 86 and len(TOKEN) == 22 + 1 + 86
    assert verify_token(TOKEN, PUBLIC) == NUMBER
    assert verify_token(TOKEN.encode(), PUBLIC) == NUMBER


def test_another_key_does_not_verify():
    assert verify_token(TOKEN, generate_keypair()[1]) is None


def test_published_keys_round_trip():
    assert verify_token(TOKEN, load_public_key(public_key_to_pem(PUBLIC))) == NUMBER
    assert verify_token(TOKEN, load_public_key(public_key_to_raw(PUBLIC))) == NUMBER
    assert verify_token(sign_token(NUMBER, load_private_key(private_key_to_pem(PRIVATE))), PUBLIC) == NUMBER


@pytest.mark.parametrize(
    "variant",
    [
        TOKEN + "=", TOKEN + "==", " " + TOKEN, TOKEN + "\n", TOKEN.lower(), NUMBER.lower() + TOKEN[22:],
        TOKEN + ".", NUMBER + ".." + TOKEN[23:], TOKEN[:-1], TOKEN.replace(".", "", 1), "",
        NUMBER + "." + base64.b64encode(base64.urlsafe_b64decode(TOKEN[23:] + "==")).decode().rstrip("="),
    ],
)
def test_non_canonical_spellings_fail(variant):
    if variant != TOKEN:
        assert verify_token(variant, PUBLIC) is None


def test_non_canonical_trailing_bits_fail():
    # The last of 86 characters carries 2 data bits; changing its 4 spare bits keeps the bytes but not the text.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(TOKEN[-1])
    for spare in range(1, 16):
        variant = TOKEN[:-1] + alphabet[(last & 0b110000) | spare]
        assert base64.urlsafe_b64decode(variant[23:] + "==") == base64.urlsafe_b64decode(TOKEN[23:] + "==")
        assert verify_token(variant, PUBLIC) is None


@settings(max_examples=300)
@given(st.integers(min_value=0, max_value=len(TOKEN) - 1), st.characters())
def test_every_single_character_change_fails(index, char):
    if char == TOKEN[index]:
        return
    assert verify_token(TOKEN[:index] + char + TOKEN[index + 1 :], PUBLIC) is None


def test_every_bit_flip_of_every_byte_fails():
    data = TOKEN.encode()
    for i in range(len(data)):
        for bit in range(8):
            flipped = bytearray(data)
            flipped[i] ^= 1 << bit
            assert verify_token(bytes(flipped), PUBLIC) is None
            assert verify_token(bytes(flipped).decode("latin-1"), PUBLIC) is None


@given(st.text(max_size=200))
def test_random_strings_never_verify(text):
    assert verify_token(text, PUBLIC) is None


@given(st.binary(max_size=200))
def test_random_bytes_never_verify(data):
    assert verify_token(data, PUBLIC) is None


def test_signing_refuses_a_malformed_number():
    with pytest.raises(ValueError):
        sign_token("not-a-number", PRIVATE)
