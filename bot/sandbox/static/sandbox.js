// Sandbox chat page: every action becomes a Zalo event signed by the server and POSTed to the
// real webhook; the bot's replies are polled from the Zalo stand-in. Text is always set with
// textContent, never innerHTML, so whatever a resident types is shown as typed. What each user
// sent is kept in the tab (sessionStorage), so a thread opened later comes back whole.
"use strict";

(() => {
  const POLL_MS = 700;
  const MAX_UPLOAD_BYTES = 1000000;
  const HANOI = { lat: 21.0285, lng: 105.8542 };  // Hoàn Kiếm, the fallback location
  const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;
  const KEPT_PER_USER = 200;

  const root = document.querySelector(".phone");
  const urls = root.dataset;
  const MAX_TEXT_CHARS = Number(urls.maxTextChars);
  const SENT_KEYS = "sandbox-sent:" + urls.run + ":";  // one app run: a restarted sandbox starts clean
  const chat = document.getElementById("chat");
  const userInput = document.getElementById("user-id");
  const messageInput = document.getElementById("message-input");
  const photoInput = document.getElementById("photo-input");
  const whoToggle = document.getElementById("who-toggle");
  const whoPanel = document.getElementById("who-panel");
  const threads = new Map();  // user id -> {userId, el, history, sent, after, synced}
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

  function clock(at) {
    return new Date(at || Date.now()).toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" });
  }

  function count(n) {
    return n.toLocaleString("vi-VN");
  }

  // `into`: the thread's history slot, above whatever was drawn while the history was loading.
  function append(thread, node, into) {
    (into || thread.el).appendChild(node);
    if (thread === active) chat.scrollTop = chat.scrollHeight;
    return node;
  }

  function note(thread, text, isError, into) {
    return append(thread, el("div", isError ? "note error" : "note", text), into);
  }

  function bubble(thread, who, text, imageUrl, at, into) {
    const node = el("div", "bubble " + who);
    if (imageUrl && /^https?:\/\//i.test(imageUrl)) {
      const img = el("img");
      img.alt = "Ảnh";
      img.src = imageUrl;
      node.appendChild(img);
    }
    if (text) node.appendChild(el("span", "text", text));
    node.appendChild(el("span", "time", clock(at)));
    return append(thread, node, into);
  }

  function botBubble(thread, message, into) {
    const node = bubble(thread, "bot", message.text, message.image_url, message.at, into);
    if (!message.buttons || !message.buttons.length) return;
    const row = el("div", "bot-buttons");
    for (const { title, payload, hidden } of message.buttons) {
      const button = el("button", "bot-button", title);
      button.type = "button";
      // Zalo's oa.query.show button sends its payload (the whole option) back as the user's own message;
      // oa.query.hide sends it unseen in the chat.
      button.addEventListener("click", () => hidden ? sendHidden(payload) : sendText(payload));
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

  // --- what each user sent, kept in this tab (the stand-in only holds what the bot sent) --------

  function loadSent(userId) {
    try {
      return JSON.parse(sessionStorage.getItem(SENT_KEYS + userId)) || [];
    } catch (error) {
      return [];
    }
  }

  function keepSent(thread, item) {
    try {
      const kept = loadSent(thread.userId).concat(Object.assign({ at: Date.now() }, item));
      sessionStorage.setItem(SENT_KEYS + thread.userId, JSON.stringify(kept.slice(-KEPT_PER_USER)));
    } catch (error) {
      // storage full or turned off: the thread is only not restored after a reload
    }
  }

  function forgetOtherRuns() {
    try {
      for (const key of Object.keys(sessionStorage)) {
        if (key.startsWith("sandbox-sent:") && !key.startsWith(SENT_KEYS)) sessionStorage.removeItem(key);
      }
    } catch (error) {
      // nothing kept, nothing to forget
    }
  }

  function mine(thread, text, imageUrl) {
    keepSent(thread, { who: "me", text, image_url: imageUrl });
    return bubble(thread, "me", text, imageUrl);
  }

  function mineNote(thread, text) {
    keepSent(thread, { who: "note", text });
    return note(thread, text);
  }

  // --- users -------------------------------------------------------------------------------

  function fold(open) {
    whoPanel.hidden = !open;
    whoToggle.setAttribute("aria-expanded", String(open));
  }

  function switchTo(userId) {
    if (active && active.userId === userId) return active;
    if (active) active.el.hidden = true;
    let thread = threads.get(userId);
    if (!thread) {
      thread = { userId, el: el("div", "thread"), after: null, synced: null, sent: loadSent(userId) };
      thread.el.dataset.userId = userId;
      chat.appendChild(thread.el);
      threads.set(userId, thread);
      active = thread;
      note(thread, "Bạn đang nhắn với tư cách: " + userId);
      thread.history = append(thread, el("div", "history"));
    }
    active = thread;
    thread.el.hidden = false;
    chat.scrollTop = chat.scrollHeight;
    let name = userId;
    for (const preset of document.querySelectorAll(".preset")) {
      preset.classList.toggle("active", preset.dataset.userId === userId);
      if (preset.dataset.userId === userId) name = preset.textContent.trim();
    }
    document.getElementById("who-name").textContent = name;
    ensureSynced(thread);
    return thread;
  }

  function currentThread() {
    const userId = userInput.value.trim();
    if (!USER_ID.test(userId)) {
      fold(true);
      userInput.focus();
      if (active) note(active, "Mã người dùng chỉ gồm chữ không dấu, số, - và _ (tối đa 64 ký tự).",
                       true);
      return null;
    }
    return switchTo(userId);
  }

  // A thread opened for the first time shows what the user already has, then polls after it.
  function ensureSynced(thread) {
    if (!thread.synced) {
      thread.synced = fetchMessages(thread).then((messages) => {
        if (!messages) {
          thread.synced = null;
          return;
        }
        drawHistory(thread, messages);
        thread.after = Math.max(0, ...messages.map((m) => m.id));
      });
    }
    return thread.synced;
  }

  // The bot's messages and what this tab kept of the user's own, in time order (ties: the user's first).
  function drawHistory(thread, messages) {
    const items = thread.sent.concat(messages.map((message) => Object.assign({ who: "bot" }, message)));
    thread.sent = [];
    items.sort((a, b) => a.at - b.at);
    for (const item of items) {
      if (item.who === "bot") botBubble(thread, item, thread.history);
      else if (item.who === "note") note(thread, item.text, false, thread.history);
      else bubble(thread, "me", item.text, item.image_url, item.at, thread.history);
    }
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
    mine(thread, text);
    send(thread, "text", { text });
  }

  function sendHidden(payload) {
    const thread = currentThread();
    if (thread) send(thread, "text", { text: payload });
  }

  function sendTyped() {
    const text = messageInput.value;
    if (!text.trim()) return;
    const length = [...text].length;  // characters, as the server counts them (not UTF-16 units)
    if (length > MAX_TEXT_CHARS) {
      const thread = currentThread();
      if (thread) {
        note(thread, "Tin nhắn dài " + count(length) + " ký tự, hộp thử nghiệm gửi được tối đa "
             + count(MAX_TEXT_CHARS) + " ký tự. Tin chưa gửi: bác rút ngắn hoặc chia thành vài tin nhé.", true);
      }
      return;  // the text stays in the box, to shorten
    }
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
    mine(thread, "", uploaded.data.url);
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
    mine(thread, "📍 Vị trí: " + place.lat.toFixed(5) + ", " + place.lng.toFixed(5));
    send(thread, "location", place);
  }

  function sendPlain(kind, shown, asNote) {
    const thread = currentThread();
    if (!thread) return;
    if (asNote) mineNote(thread, shown);
    else mine(thread, shown);
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
    if (event.key === "Enter" && currentThread()) fold(false);
  });
  for (const preset of document.querySelectorAll(".preset")) {
    preset.addEventListener("click", () => {
      userInput.value = preset.dataset.userId;
      if (currentThread()) fold(false);
    });
  }
  whoToggle.addEventListener("click", () => fold(whoPanel.hidden));
  whoPanel.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    fold(false);
    whoToggle.focus();
  });
  photoInput.addEventListener("change", () => {
    sendPhoto(photoInput.files[0]).finally(() => { photoInput.value = ""; });
  });
  document.getElementById("location-button").addEventListener("click", sendLocation);
  const click = (id, handler) => document.getElementById(id).addEventListener("click", handler);
  click("sticker-button", () => sendPlain("sticker", "🙂 (nhãn dán)"));
  click("follow-button", () => sendPlain("follow", "Bạn đã quan tâm OA", true));
  click("unfollow-button", () => sendPlain("unfollow", "Bạn đã bỏ quan tâm OA", true));

  forgetOtherRuns();
  currentThread();
  poll();
})();
