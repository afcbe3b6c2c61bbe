"""The debug log's redaction: no secret of any login kind reaches ``-d`` output."""

from __future__ import annotations

from ovtui.connection import RedactFilter


def test_redaction_hides_passwords_bearer_and_spnego_tokens():
    f = RedactFilter(["s3cr&t pw"])
    text = f.redact(
        "> Authorization: Negotiate YIICdgYJKoZIhvcSAQICAQBuggJlMIICYaADAgEF+/=\n"
        "< WWW-Authenticate: Negotiate oYG2MIGzoAMKAQChCwYJKoZIhvcSAQICooGe\n"
        "> Authorization: Bearer abc.DEF-123_x\n"
        "username=admin%40internal&password=s3cr%26t+pw&grant_type=password\n"
        "scope=ovirt-app-api&token=Zm9vYmFy\n"
        '{"access_token": "tok-123", "token_type": "bearer"}\n'
        "literal s3cr&t pw in a message\n"
    )
    for secret in ("YIICdgYJ", "oYG2MIGz", "abc.DEF", "s3cr", "Zm9vYmFy", "tok-123"):
        assert secret not in text, text
    assert text.count("Negotiate ********") == 2 and "Bearer ********" in text
