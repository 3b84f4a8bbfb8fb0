// «Soạn thông báo»: the live character count against Zalo's limit (the server checks it again), and the
// sign-up's fields shown only while its box is ticked. A file of its own: the CSP allows no inline script.
(function () {
  "use strict";
  const text = document.getElementById("notice-text");
  const count = document.getElementById("notice-count");
  const urgent = document.getElementById("notice-urgent");
  if (!text || !count) return;

  function limit() {
    return Number(urgent && urgent.checked ? count.dataset.limitUrgent : count.dataset.limit);
  }

  function showCount() {
    // Characters as Python counts them (code points), on the text as it is sent: trimmed, lines ending in \n.
    const used = Array.from(text.value.trim()).length;
    const most = limit();
    count.textContent = count.dataset.template.replace("{n}", used).replace("{limit}", most);
    count.classList.toggle("over", used > most);
  }

  text.addEventListener("input", showCount);
  if (urgent) urgent.addEventListener("change", showCount);
  showCount();

  const signup = document.getElementById("notice-signup-on");
  const fields = document.getElementById("notice-signup-fields");
  if (signup && fields) {
    const toggle = () => { fields.hidden = !signup.checked; };
    signup.addEventListener("change", toggle);
    toggle();
  }
})();
