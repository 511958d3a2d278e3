// A minimal LMS for the browser tests: scorm-again provides the API, this page frames the SCO.
// Every message scorm-again logs at ERROR (a value the SCO set that the standard does not
// allow, a call out of order) is kept in window.lmsErrors for the test to check.
"use strict";

window.lmsErrors = [];

window.startSco = function (standard, url, initial) {
  var settings = {
    autocommit: false,
    logLevel: 4,
    onLogMessage: function (level, message) {
      window.lmsErrors.push(String(message));
    },
  };
  var api = standard === "1.2" ? new Scorm12API(settings) : new Scorm2004API(settings);
  if (initial) api.loadFromJSON(initial);
  window.API = standard === "1.2" ? api : undefined;
  window.API_1484_11 = standard === "2004" ? api : undefined;
  window.lmsApi = api;
  document.getElementById("sco").src = url;
};

window.leaveSco = function () {
  document.getElementById("sco").src = "about:blank";
};

window.cmiJson = function () {
  return JSON.parse(JSON.stringify(window.lmsApi.cmi));
};
