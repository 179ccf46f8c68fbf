"""The Python redactor against the table of secret formats it shares with the TypeScript one."""

import json
from pathlib import Path

import pytest

from medallion.redact import redact

KEY = "bGlzdGVuLW9ubHktdGVzdC1rZXk="
GOOD = f"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey={KEY};EntityPath=weather"
CASES = json.loads((Path(__file__).parents[1] / "fixtures" / "secret-formats.json").read_text())["cases"]


@pytest.mark.parametrize("case", CASES, ids=[case["format"] for case in CASES])
def test_masks_every_secret_format(case):
    assert redact(case["input"], tuple(case.get("secrets", ()))) == case["expected"]


def test_masks_a_given_secret_wherever_it_stands():
    assert redact("key abc in abc-def", ("abc",)) == "key *** in ***-def"


def test_redact_removes_keys_signatures_and_given_secrets():
    text = f"{GOOD} token SharedAccessSignature sr=a&sig=abc%2B&se=1&skn=listen secret-value"
    cleaned = redact(text, ("secret-value",))
    assert KEY not in cleaned and "abc%2B" not in cleaned and "secret-value" not in cleaned
    assert "SharedAccessKey=***" in cleaned and "sig=***" in cleaned
