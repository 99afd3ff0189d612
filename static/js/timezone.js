// Pre-select the writer's time zone from the browser on forms that ask for it (sign-up).
// The server validates the name against zoneinfo; this only saves the writer a long scroll.
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone) return;
  document.querySelectorAll("select[data-browser-time-zone]").forEach(function (select) {
    if (select.dataset.userChose) return;
    var known = Array.prototype.some.call(select.options, function (option) { return option.value === zone; });
    if (!known) {
      // Browsers sometimes report an alias the list hides; the server still accepts it.
      select.add(new Option(zone.replace(/_/g, " "), zone));
    }
    if (select.value === "UTC" || select.value === "") select.value = zone;
  });
})();
