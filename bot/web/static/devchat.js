// Chat simulator: sends resident actions to /dev/chat/api/event and draws what the bot sent,
// the way LINE shows it: text bubbles, Flex cards and carousels, quick replies, postback buttons.
"use strict";

const user = document.body.dataset.user;
const log = document.getElementById("log");
const quick = document.getElementById("quick");
let seen = 0;  // how many messages to this resident the page has drawn
let busy = false;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function addLine(who, node) {
  const row = el("div", "row " + who);
  row.appendChild(node);
  log.appendChild(row);
  log.scrollTop = log.scrollHeight;
}

function say(text) {
  addLine("me", el("div", "bubble", text));
}

async function send(payload, shown) {
  if (shown) say(shown);
  quick.replaceChildren();
  let reply;
  busy = true;
  try {
    const response = await fetch("/dev/chat/api/event", {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({user, ...payload}),
    });
    reply = await response.json();
    if (!response.ok) throw new Error(reply.error || response.statusText);
  } catch (error) {
    addLine("system", el("div", "notice", "送信できませんでした: " + error.message));
    return;
  } finally {
    busy = false;
  }
  if (reply.status !== 200) {
    addLine("system", el("div", "notice", "webhook answered " + reply.status));
  }
  reply.messages.forEach(draw);
  seen = reply.seen;
}

async function poll() {
  // Pushes arrive without the resident doing anything: announcements, a seat, a reminder.
  if (!busy) {
    try {
      const response = await fetch("/dev/chat/api/messages?user=" + encodeURIComponent(user) + "&since=" + seen);
      const news = await response.json();
      if (!busy && news.seen > seen) {
        news.messages.forEach(draw);
        seen = news.seen;
      }
    } catch (error) {
      // The demo server restarting is not worth a message; the next poll tries again.
    }
  }
  setTimeout(poll, 2000);
}

function act(action) {
  if (action.type === "postback") {
    send({kind: "postback", data: action.data}, action.displayText || action.label);
  } else if (action.type === "message") {
    send({kind: "text", text: action.text}, action.text);
  } else if (action.type === "uri") {
    window.open(action.uri, "_blank", "noopener");
  }
}

function draw(message) {
  let node;
  if (message.type === "text") {
    node = el("div", "bubble", message.text);
  } else if (message.type === "flex") {
    node = flex(message.contents);
    node.setAttribute("aria-label", message.altText);
  } else {
    node = el("div", "bubble", "[" + message.type + "]");
  }
  addLine("bot", node);
  if (message.quickReply) {
    quick.replaceChildren();
    message.quickReply.items.forEach((item) => {
      const chip = el("button", "chip", item.action.label);
      chip.type = "button";
      chip.addEventListener("click", () => act(item.action));
      quick.appendChild(chip);
    });
  }
}

function flex(component) {
  switch (component.type) {
    case "carousel": {
      const strip = el("div", "carousel");
      component.contents.forEach((bubble) => strip.appendChild(flex(bubble)));
      return strip;
    }
    case "bubble": {
      const card = el("div", "card");
      ["header", "hero", "body", "footer"].forEach((part) => {
        if (component[part]) card.appendChild(flex(component[part]));
      });
      return card;
    }
    case "box": {
      const box = el("div", "box " + component.layout);
      (component.contents || []).forEach((child) => box.appendChild(flex(child)));
      return sized(box, component);
    }
    case "text": {
      const text = el("p", "t size-" + (component.size || "md"), component.text);
      if (component.weight === "bold") text.classList.add("bold");
      if (component.color) text.style.color = component.color;
      return sized(text, component);
    }
    case "button": {
      const style = component.style || "link";
      const button = el("button", "card-button " + style, component.action.label);
      button.type = "button";
      // As LINE: a card's colour fills a primary or secondary button, and colours a link's text.
      if (component.color) button.style[style === "link" ? "color" : "backgroundColor"] = component.color;
      button.addEventListener("click", () => act(component.action));
      return button;
    }
    case "separator":
      return el("hr", "sep");
    default:
      return el("span", "", "");
  }
}

function sized(node, component) {
  // LINE's `flex` shares a row by ratio from zero width: a label of flex 2 beside a long value
  // of flex 5 keeps its 2/7 (持ち物 stays on one line) instead of shrinking to one character.
  if (typeof component.flex === "number") node.style.flex = component.flex + " 1 0";
  return node;
}

async function drawRichMenu() {
  // The deployed picture with a transparent button over each tap area, as LINE lays it out.
  const menu = document.getElementById("richmenu");
  const definition = await (await fetch("/dev/chat/api/menu")).json();
  const image = el("img", "menu-image");
  image.src = definition.image;
  image.alt = "";
  menu.appendChild(image);
  definition.areas.forEach((area) => {
    const button = el("button", "area");
    button.type = "button";
    button.setAttribute("aria-label", area.label);
    button.title = area.label;
    Object.assign(button.style, {
      left: area.left + "%", top: area.top + "%", width: area.width + "%", height: area.height + "%",
    });
    button.addEventListener("click", () => send({kind: "postback", data: area.data}, area.label));
    menu.appendChild(button);
  });
}

document.getElementById("compose").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = document.getElementById("text");
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  send({kind: "text", text}, text);
});

document.querySelectorAll(".tools button").forEach((button) => {
  button.addEventListener("click", () => {
    const labels = {follow: "（友だち追加しました）", sticker: "（スタンプ）", image: "（写真）", unfollow: "（ブロックしました）"};
    send({kind: button.dataset.kind}, labels[button.dataset.kind]);
  });
});

drawRichMenu();
poll();
