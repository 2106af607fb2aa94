"""The admin page of API tokens: create (the secret shown once), list, revoke."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from app.accounts.access import permission_required
from app.text import Text
from app.tokens import tokens
from app.tokens.service import SCOPES, TokenError, all_tokens, create_token, revoke_token, state


def _page(status: int = 200, **context):
    return render_template("tokens/index.html", tokens=all_tokens(), scopes=SCOPES,
                           state=state, **context), status


@tokens.get("/")
@permission_required("tokens")
def index():
    return _page(revoked=request.args.get("revoked"))


@tokens.post("/")
@permission_required("tokens")
def create():
    days = request.form.get("expires_days", "").strip()
    try:
        if days and not days.isdigit():
            raise TokenError(Text("Expiry must be 1 to 3650 days."))
        made = create_token(request.form.get("name", ""), request.form.getlist("scope"),
                            int(days) if days else None)
    except TokenError as error:
        return _page(400, error=str(error), form=request.form)
    return _page(201, created=made)


@tokens.post("/<name>/revoke")
@permission_required("tokens")
def revoke(name: str):
    try:
        revoke_token(name)
    except TokenError:
        return _page(404, error=Text("No token named '%(name)s'.", name=name))
    return redirect(url_for("tokens.index", revoked=name))
