"""The smallest correct line-bot-sdk v3 echo bot, for comparison with ours (bench/webhook.py).

Same SDK, same parser, same reply call; no database, no routing. Configured from the same
environment variables as the bot, and run under the same gunicorn options as `bot serve`:

    python bench/echo_bot.py PORT WORKERS
"""

import os
import sys

from flask import Flask, abort, request
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import (
    ApiClient,
    Configuration,
    MessagingApi,
    ReplyMessageRequest,
    TextMessage,
)
from linebot.v3.webhooks import MessageEvent, TextMessageContent

app = Flask(__name__)
parser = WebhookParser(os.environ["LINE_CHANNEL_SECRET"])
configuration = Configuration(
    access_token=os.environ["LINE_CHANNEL_ACCESS_TOKEN"], host=os.environ["LINE_API_BASE_URL"]
)
api = MessagingApi(ApiClient(configuration))


@app.post("/callback")
def callback():
    try:
        events = parser.parse(
            request.get_data(as_text=True), request.headers.get("X-Line-Signature", "")
        )
    except InvalidSignatureError:
        abort(400)
    for event in events:
        if isinstance(event, MessageEvent) and isinstance(event.message, TextMessageContent):
            api.reply_message(
                ReplyMessageRequest(
                    reply_token=event.reply_token, messages=[TextMessage(text=event.message.text)]
                )
            )
    return "OK"


if __name__ == "__main__":
    from bot.web.serve import Gunicorn, gunicorn_options

    port, workers = (int(argument) for argument in sys.argv[1:3])
    Gunicorn(lambda: app, gunicorn_options("127.0.0.1", port, workers)).run()
