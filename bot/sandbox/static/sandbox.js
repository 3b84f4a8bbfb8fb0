// Sandbox chat page: every action becomes a Zalo event signed by the server and POSTed to the
// real webhook; the bot's replies are polled from the Zalo stand-in. Text is always set with
// textContent, never innerHTML, so whatever a resident types is shown as typed.
"use strict";

(() => {
  const POLL_MS = 700;
  const MAX_UPLOAD_BYTES = 1000000;
  const HANOI = { lat: 21.0285, lng: 105.8542 };  // Hoàn Kiếm, the fallback location
  const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;

  const root = document.querySelector(".phone");
  const urls = root.dataset;
  const chat = document.getElementById("chat");
  const userInput = document.getElementById("user-id");
  const messageInput = document.getElementById("message-input");
  const photoInput = document.getElementById("photo-input");
  const threads = new Map();  // user id -> {userId, el, after, synced}
  let active = null;
  let sendQueue = Promise.resolve();  // sends go out one at a time, in order
  let pollBusy = false;
  let pollFailed = false;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function clock() {
    return new Date().toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" });
  }

  function append(thread, node) {
    thread.el.appendChild(node);
    if (thread === active) chat.scrollTop = chat.scrollHeight;
    return node;
  }

  function note(thread, text, isError) {
    return append(thread, el("div", isError ? "note error" : "note", text));
  }

  function bubble(thread, who, text, imageUrl) {
    const node = el("div", "bubble " + who);
    if (imageUrl && /^https?:\/\//i.test(imageUrl)) {
      const img = el("img");
      img.alt = "Ảnh";
      img.src = imageUrl;
      node.appendChild(img);
    }
    if (text) node.appendChild(el("span", "text", text));
    node.appendChild(el("span", "time", clock()));
    return append(thread, node);
  }

  function botBubble(thread, message) {
    const node = bubble(thread, "bot", message.text, message.image_url);
    if (!message.buttons || !message.buttons.length) return;
    const row = el("div", "bot-buttons");
    for (const title of message.buttons) {
      const button = el("button", "bot-button", title);
      button.type = "button";
      // Zalo's oa.query.show button sends its title back as the user's own text message.
      button.addEventListener("click", () => sendText(title));
      row.appendChild(button);
    }
    node.insertBefore(row, node.lastChild);
    if (thread === active) chat.scrollTop = chat.scrollHeight;
  }

  async function getJson(url, options) {
    try {
      const response = await fetch(url, options);
      const data = await response.json().catch(() => ({}));
      return { ok: response.ok, status: response.status, data };
    } catch (error) {
      return { ok: false, status: 0, data: { error: String(error) } };
    }
  }

  // --- users -------------------------------------------------------------------------------

  function switchTo(userId) {
    if (active && active.userId === userId) return active;
    if (active) active.el.hidden = true;
    let thread = threads.get(userId);
    if (!thread) {
      thread = { userId, el: el("div", "thread"), after: null, synced: null };
      thread.el.dataset.userId = userId;
      chat.appendChild(thread.el);
      threads.set(userId, thread);
      active = thread;
      note(thread, "Bạn đang nhắn với tư cách: " + userId);
    }
    active = thread;
    thread.el.hidden = false;
    chat.scrollTop = chat.scrollHeight;
    for (const preset of document.querySelectorAll(".preset")) {
      preset.classList.toggle("active", preset.dataset.userId === userId);
    }
    ensureSynced(thread);
    return thread;
  }

  function currentThread() {
    const userId = userInput.value.trim();
    if (!USER_ID.test(userId)) {
      userInput.focus();
      if (active) note(active, "Mã người dùng chỉ gồm chữ không dấu, số, - và _ (tối đa 64 ký tự).",
                       true);
      return null;
    }
    return switchTo(userId);
  }

  // Start a new thread after what the bot already sent earlier, so old replies are not replayed.
  function ensureSynced(thread) {
    if (!thread.synced) {
      thread.synced = fetchMessages(thread).then((messages) => {
        if (messages) thread.after = Math.max(0, ...messages.map((m) => m.id));
        else thread.synced = null;
      });
    }
    return thread.synced;
  }

  async function fetchMessages(thread) {
    const query = new URLSearchParams({ user_id: thread.userId, after: String(thread.after || 0) });
    const answer = await getJson(urls.messagesUrl + "?" + query);
    if (!answer.ok) {
      const reason = answer.data.error || answer.status;
      if (!pollFailed) note(thread, "Không đọc được tin của bot: " + reason, true);
      pollFailed = true;
      return null;
    }
    pollFailed = false;
    return answer.data.messages;
  }

  async function poll() {
    const thread = active;
    if (thread && thread.after === null) ensureSynced(thread);  // retry a failed first read
    if (!pollBusy && thread && thread.after !== null) {
      pollBusy = true;
      try {
        const messages = (await fetchMessages(thread)) || [];
        for (const message of messages) {
          if (message.id <= thread.after) continue;  // a slower poll already drew it
          thread.after = message.id;
          botBubble(thread, message);
        }
      } finally {
        pollBusy = false;
      }
    }
    setTimeout(poll, POLL_MS);
  }

  // --- sending -----------------------------------------------------------------------------

  function send(thread, kind, fields) {
    const job = sendQueue.then(() => deliver(thread, kind, fields));
    sendQueue = job.catch(() => {});
    return job;
  }

  async function deliver(thread, kind, fields) {
    await ensureSynced(thread);
    const signed = await getJson(urls.signUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(Object.assign({ user_id: thread.userId, kind }, fields)),
    });
    if (!signed.ok) {
      note(thread, "Không tạo được sự kiện: " + (signed.data.error || signed.status), true);
      return false;
    }
    // The exact signed bytes go to the real webhook, as Zalo would send them.
    const answer = await getJson(urls.webhookUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-ZEvent-Signature": signed.data.signature },
      body: signed.data.body,
    });
    if (!answer.ok) {
      note(thread, "Webhook từ chối (" + answer.status + "): " + (answer.data.reason || ""), true);
      return false;
    }
    return true;
  }

  function sendText(text) {
    const thread = currentThread();
    if (!thread || !text.trim()) return;
    bubble(thread, "me", text);
    send(thread, "text", { text });
  }

  function sendTyped() {
    const text = messageInput.value;
    if (!text.trim()) return;
    messageInput.value = "";
    sendText(text);
    messageInput.focus();
  }

  async function sendPhoto(file) {
    const thread = currentThread();
    if (!thread || !file) return;
    if (file.size > MAX_UPLOAD_BYTES) {
      note(thread, "Ảnh lớn hơn 1 MB, bác chọn ảnh nhỏ hơn giúp nhé.", true);
      return;
    }
    const form = new FormData();
    form.append("file", file);
    const uploaded = await getJson(urls.uploadUrl, { method: "POST", body: form });
    if (!uploaded.ok) {
      note(thread, "Không tải được ảnh lên: " + (uploaded.data.error || uploaded.status), true);
      return;
    }
    bubble(thread, "me", "", uploaded.data.url);
    send(thread, "image", { image_url: uploaded.data.url });
  }

  function askLocation() {
    return new Promise((resolve) => {
      const typed = () => {
        const answer = window.prompt("Nhập vị trí dạng vĩ độ,kinh độ:", HANOI.lat + "," + HANOI.lng);
        if (answer === null) return resolve(null);
        const [lat, lng] = answer.split(",").map((part) => Number(part.trim()));
        const valid = Number.isFinite(lat) && Number.isFinite(lng)
          && Math.abs(lat) <= 90 && Math.abs(lng) <= 180;
        resolve(valid ? { lat, lng } : HANOI);
      };
      if (!navigator.geolocation) return typed();
      navigator.geolocation.getCurrentPosition(
        (position) => resolve({ lat: position.coords.latitude, lng: position.coords.longitude }),
        typed, { timeout: 5000, maximumAge: 60000 });
    });
  }

  async function sendLocation() {
    const thread = currentThread();
    if (!thread) return;
    const place = await askLocation();
    if (!place) return;
    bubble(thread, "me", "📍 Vị trí: " + place.lat.toFixed(5) + ", " + place.lng.toFixed(5));
    send(thread, "location", place);
  }

  function sendPlain(kind, shown, asNote) {
    const thread = currentThread();
    if (!thread) return;
    if (asNote) note(thread, shown);
    else bubble(thread, "me", shown);
    send(thread, kind, {});
  }

  // --- wiring ------------------------------------------------------------------------------

  document.getElementById("send-button").addEventListener("click", sendTyped);
  messageInput.addEventListener("keydown", (event) => {
    // isComposing: Vietnamese input methods use Enter to confirm a word, not to send.
    if (event.key === "Enter" && !event.isComposing) {
      event.preventDefault();
      sendTyped();
    }
  });
  userInput.addEventListener("change", currentThread);
  userInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") currentThread();
  });
  for (const preset of document.querySelectorAll(".preset")) {
    preset.addEventListener("click", () => {
      userInput.value = preset.dataset.userId;
      currentThread();
    });
  }
  photoInput.addEventListener("change", () => {
    sendPhoto(photoInput.files[0]).finally(() => { photoInput.value = ""; });
  });
  document.getElementById("location-button").addEventListener("click", sendLocation);
  const click = (id, handler) => document.getElementById(id).addEventListener("click", handler);
  click("sticker-button", () => sendPlain("sticker", "🙂 (nhãn dán)"));
  click("follow-button", () => sendPlain("follow", "Bạn đã quan tâm OA", true));
  click("unfollow-button", () => sendPlain("unfollow", "Bạn đã bỏ quan tâm OA", true));

  currentThread();
  poll();
})();
