// Reach out: the editable first line travels with the Text and Email links, and the channel a writer used
// travels with their "I reached out". Without this script the links carry the suggested line unchanged.
(function () {
  "use strict";

  function withBody(href, text) {
    var cut = href.indexOf("body=");
    if (cut === -1) { return href; }
    return href.slice(0, cut) + "body=" + encodeURIComponent(text);
  }

  document.querySelectorAll(".suggestion").forEach(function (suggestion) {
    var textarea = suggestion.querySelector("[data-starter-text]");
    var choice = suggestion.querySelector("[data-starter-choice]");
    var select = suggestion.querySelector("[data-starter-select]");
    var links = suggestion.querySelectorAll("[data-carries-message]");
    var channelInput = suggestion.querySelector("[data-reached-out-channel]");

    function carryText() {
      links.forEach(function (link) { link.href = withBody(link.href, textarea.value); });
    }

    if (textarea) { textarea.addEventListener("input", carryText); }
    if (choice && select && textarea) {
      choice.hidden = false;
      select.addEventListener("change", function () {
        var option = select.options[select.selectedIndex];
        textarea.value = option.getAttribute("data-text") || "";
        carryText();
      });
    }
    suggestion.querySelectorAll("[data-channel]").forEach(function (link) {
      link.addEventListener("click", function () {
        if (channelInput) { channelInput.value = link.getAttribute("data-channel"); }
      });
    });
  });
})();
