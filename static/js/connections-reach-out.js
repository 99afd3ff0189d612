// Reach out: the editable first line travels with the Text and Email links, and the channel a writer used
// travels with their "I reached out". Without this script the links carry the suggested line unchanged.
(function () {
  "use strict";

  function withBody(href, text) {
    var cut = href.indexOf("body=");
    if (cut === -1) { return href; }
    return href.slice(0, cut) + "body=" + encodeURIComponent(text);
  }

  // The first lines to start from, once per page, with {first_name} and {name} to fill in.
  var templates = {};
  document.querySelectorAll("[data-starter-templates] [data-key]").forEach(function (item) {
    templates[item.getAttribute("data-key")] = item.textContent;
  });

  function starterFor(key, suggestion) {
    return (templates[key] || "")
      .split("{first_name}").join(suggestion.getAttribute("data-first-name") || "")
      .split("{name}").join(suggestion.getAttribute("data-name") || "");
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
        textarea.value = starterFor(select.value, suggestion);
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
