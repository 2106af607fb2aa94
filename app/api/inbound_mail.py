"""``POST /api/v1/inbound-mail``: a mail provider hands over a user's reply.

Off unless ``KB_INBOUND_MAIL_SECRET`` is set. The provider proves itself with that secret
(``X-Inbound-Secret`` header, the password of HTTP basic auth, or ``?key=``). The raw message
comes as the multipart field ``email`` (SendGrid Inbound Parse, "POST the raw, full MIME
message") or ``body-mime`` (Mailgun routes to a URL ending in ``mime``), or as the whole body
with ``Content-Type: message/rfc822``. Threading is app/tickets/inbound.py, as for the SMTP
receiver. A refused mail answers 200 with ``"rejected"``: providers retry only errors, and a
forged address never becomes valid.
"""

from __future__ import annotations

import hmac

from flask import abort, current_app, jsonify, request

from app.api import webhooks
from app.errors import error_response
from app.text import Text
from app.tickets.inbound import REJECTED, STORED

RAW_FIELDS = ("email", "body-mime")


def _authorized(secret: str) -> bool:
    offered = (request.headers.get("X-Inbound-Secret")
               or (request.authorization.password if request.authorization else None)
               or request.args.get("key") or "")
    return hmac.compare_digest(offered.encode(), secret.encode())


def _raw_message() -> bytes | None:
    if request.mimetype == "message/rfc822":
        return request.get_data() or None
    for name in RAW_FIELDS:
        if name in request.files:
            return request.files[name].read() or None
        if request.form.get(name):
            return request.form[name].encode("utf-8", "surrogateescape")
    return None


@webhooks.post("/inbound-mail")
def inbound_mail():
    secret = current_app.config.get("KB_INBOUND_MAIL_SECRET")
    if not secret:
        abort(404)
    if not _authorized(secret):
        return error_response(403, Text("The inbound mail secret is missing or wrong."))
    raw = _raw_message()
    if raw is None:
        return error_response(400, Text("'email' is missing: send the raw message as the "
                                        "multipart field 'email' or as message/rfc822."),
                              fields={"email": Text("is required")})
    outcome = current_app.extensions["tickets"].receive_mail(raw)
    body = {"status": outcome.status, "reference": outcome.reference}
    if outcome.status == REJECTED:
        body["reason"] = outcome.reason
    return jsonify(body), 201 if outcome.status == STORED else 200
