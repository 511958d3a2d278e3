// A minimal LMS for the browser tests: scorm-again provides the API, this page frames the SCO.
// Every message scorm-again logs at ERROR (a value the SCO set that the standard does not
// allow, a call out of order, a GetValue of an element never set: SCORM 2004's error 403) is
// kept in window.lmsErrors, and every API call the SCO makes in window.lmsCalls, for the test
// to check.
"use strict";

window.lmsErrors = [];
window.lmsCalls = [];

var CALLS = {
  "1.2": ["LMSInitialize", "LMSGetValue", "LMSSetValue", "LMSCommit", "LMSFinish", "LMSGetLastError"],
  "2004": ["Initialize", "GetValue", "SetValue", "Commit", "Terminate", "GetLastError"],
};

/* The API as the SCO sees it: scorm-again's, with each call written down first. */
function recorded(api, names) {
  var wrapper = {};
  names.forEach(function (name) {
    wrapper[name] = function () {
      window.lmsCalls.push([name].concat(Array.prototype.slice.call(arguments)));
      return api[name].apply(api, arguments);
    };
  });
  return wrapper;
}

window.startSco = function (standard, url, initial) {
  var settings = {
    autocommit: false,
    logLevel: 4,
    uninitializedGetLogLevel: 4,
    onLogMessage: function (level, message) {
      window.lmsErrors.push(String(message));
    },
  };
  var api = standard === "1.2" ? new Scorm12API(settings) : new Scorm2004API(settings);
  if (initial) api.loadFromJSON(initial);
  window.lmsCalls = [];
  window.API = standard === "1.2" ? recorded(api, CALLS["1.2"]) : undefined;
  window.API_1484_11 = standard === "2004" ? recorded(api, CALLS["2004"]) : undefined;
  window.lmsApi = api;
  window.startingCmi = window.cmiJson();
  document.getElementById("sco").src = url;
};

window.leaveSco = function () {
  document.getElementById("sco").src = "about:blank";
};

window.cmiJson = function () {
  return JSON.parse(JSON.stringify(window.lmsApi.cmi));
};
