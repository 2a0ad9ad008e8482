// Redoc's bundle shows the Redocly logo from cdn.redoc.ly, a request leaving the machine
// (and failing offline). Loaded before the bundle, this points that one image at a copy
// served by the app (the `data-logo` of this script's tag); every other image is left alone.
(function () {
  "use strict";
  var script = document.currentScript;
  var local = script && script.getAttribute("data-logo");
  var REMOTE = /^https?:\/\/cdn\.redoc\.ly\//;
  if (!local) return;

  var proto = HTMLImageElement.prototype;
  var src = Object.getOwnPropertyDescriptor(proto, "src");
  Object.defineProperty(proto, "src", {
    configurable: true,
    enumerable: src.enumerable,
    get: src.get,
    set: function (value) {
      src.set.call(this, REMOTE.test(String(value)) ? local : value);
    },
  });
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (this instanceof HTMLImageElement && String(name).toLowerCase() === "src" && REMOTE.test(String(value))) {
      value = local;
    }
    return setAttribute.call(this, name, value);
  };
})();
