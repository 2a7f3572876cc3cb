"""Schemathesis hooks for scripts/contract.sh.

Fresh idempotency keys. Generated requests draw their `Idempotency-Key` from a small space
("0", "00", ...), so most mutations would be answered 422 `idempotency_key_reused` (the key
was already used with another request) and never reach the route. In a request the
document allows, the key gets a unique suffix here and stays one the document allows.
Requests generated to break the document are sent as drawn: their rejection is what is
checked (and an edited case would be revalidated as valid, so a header removed on purpose,
such as `Authorization`, would be sent again). Replays and reuse are covered by the
server's own tests (crates/server/tests/api/idempotency*.rs).
"""

import re
import uuid

import schemathesis

# The header as the OpenAPI document states it (see crates/server/src/openapi/common.rs).
VALID_KEY = re.compile(r"^[ -~]*[!-~][ -~]*$")
MAX_KEY_LEN = 255


@schemathesis.hook
def before_call(context, case, **kwargs):
    headers = case.headers
    if not headers or (case.meta is not None and not case.meta.generation.mode.is_positive):
        return
    for name in list(headers):
        key = headers[name]
        if name.lower() != "idempotency-key" or not isinstance(key, str):
            continue
        if len(key) <= MAX_KEY_LEN and VALID_KEY.fullmatch(key):
            suffix = "-" + uuid.uuid4().hex
            headers[name] = key[: MAX_KEY_LEN - len(suffix)] + suffix
