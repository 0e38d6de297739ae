"""/dev/chat (demo mode only): a chat simulator that plays a resident's LINE app.

Every message typed here takes the real path: the page asks this blueprint to play LINE's part,
which builds a webhook event with a reply token from the stand-in, signs it with the channel
secret and POSTs it over HTTP to /callback. The bot answers through the SDK to the stand-in, and
the page shows what the stand-in received for that resident.
"""

from __future__ import annotations

import urllib.error
import urllib.request

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)

from bot.line.richmenu import load_rich_menu
from bot.line.standin import EventFactory, sign_body

bp = Blueprint("devchat", __name__, url_prefix="/dev/chat")

DEMO_USER = "U00000000000000000000000000de0001"  # a valid LINE user id (U + 32 hex)
EVENT_KINDS = ("text", "postback", "follow", "unfollow", "sticker", "image", "location")


@bp.get("")
def chat_page():
    """The simulator page."""
    return render_template("devchat.html", user_id=DEMO_USER)


@bp.get("/api/menu")
def rich_menu():
    """The rich menu of content/richmenu.yaml: its tap areas, as percentages of the image."""
    menu = load_rich_menu().to_line_json()
    width, height = menu["size"]["width"], menu["size"]["height"]
    areas = [
        {
            "label": area["action"]["label"],
            "data": area["action"]["data"],
            "left": 100 * area["bounds"]["x"] / width,
            "top": 100 * area["bounds"]["y"] / height,
            "width": 100 * area["bounds"]["width"] / width,
            "height": 100 * area["bounds"]["height"] / height,
        }
        for area in menu["areas"]
    ]
    return jsonify({"image": url_for("devchat.rich_menu_image"), "areas": areas})


@bp.get("/richmenu.png")
def rich_menu_image():
    """The same picture `richmenu deploy` uploads to LINE."""
    image, content_type = load_rich_menu().image_bytes()
    return Response(image, mimetype=content_type)


@bp.post("/api/event")
def send_event():
    """Play LINE: deliver one resident action to /callback, return what the bot sent back."""
    standin = current_app.extensions.get("standin")
    if standin is None:
        abort(404)
    try:
        payload = request.get_json(silent=True)
    except RecursionError:  # JSON nested thousands deep: silent= only covers what is not JSON
        payload = None
    if not isinstance(payload, dict):  # a list, a string, a number: nothing to .get from
        return {"error": 'send a JSON object, e.g. {"kind": "text", "text": "こんにちは"}'}, 400
    kind = payload.get("kind")
    user_id = str(payload.get("user") or DEMO_USER)[:64]
    if kind not in EVENT_KINDS:
        return {"error": f"kind must be one of {', '.join(EVENT_KINDS)}"}, 400
    factory = EventFactory(standin)
    if kind == "text":
        text = payload.get("text", "")
        if not isinstance(text, str):  # null, a number, a list: was sent on as "None", "5"
            return {"error": 'text must be a string, e.g. "こんにちは"'}, 400
        if not text.strip():
            return {"error": "type a message first"}, 400
        event = factory.text(user_id, text)
    elif kind == "postback":
        event = factory.postback(user_id, str(payload.get("data", "")))
    else:
        event = getattr(factory, kind)(user_id)
    try:
        body = factory.body(event)
    except UnicodeEncodeError:  # "\ud800": half an emoji, which no UTF-8 body can carry
        return {"error": "the text holds half an emoji (a lone surrogate); type it again"}, 400
    before = len(standin.messages_to(user_id))
    status = _deliver(body)
    received = standin.messages_to(user_id)
    return {"status": status, "messages": received[before:], "seen": len(received)}


@bp.get("/api/messages")
def new_messages():
    """Messages the bot pushed to the resident since the page last looked (announcements,
    a seat from the waiting list, reminders): the simulator polls this."""
    standin = current_app.extensions.get("standin")
    if standin is None:
        abort(404)
    user_id = str(request.args.get("user") or DEMO_USER)[:64]
    seen = request.args.get("since", default=0, type=int)
    received = standin.messages_to(user_id)
    return {"messages": received[seen:], "seen": len(received)}


def _deliver(body: bytes) -> int:
    """POST a signed webhook body to our own /callback over HTTP, as LINE does."""
    secret = current_app.extensions["navi"].settings.channel_secret
    callback = own_callback_url(request.environ)
    outgoing = urllib.request.Request(
        callback,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "X-Line-Signature": sign_body(body, secret)},
    )
    try:
        with urllib.request.urlopen(outgoing, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def own_callback_url(environ: dict) -> str:
    """/callback at the address this server listens on: never the request's Host header,
    which anyone can set (the signed webhook would go to their server)."""
    host = environ.get("SERVER_NAME") or "127.0.0.1"
    if host in ("0.0.0.0", "::", ""):  # listening everywhere: our own loopback is one of them
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{environ.get('SERVER_PORT', '80')}/callback"
