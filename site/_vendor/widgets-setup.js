// Loaded after RequireJS and before the widget manager (embed-amd.js), on pages
// that hold widgets. Third-party widget modules (anywidget) load from this site,
// next to this file, never from a CDN. Paths are worked out from this script's
// own address, so the site works under any folder (GitHub Pages, an intranet).
//
// The widget manager's modules are defined inside embed-amd.js under these names;
// its stylesheets look for their icon fonts next to the module's address, so each
// module's address is set to the folder holding embed-amd.js and the fonts.
(function () {
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  var manager = here + "html-manager/";
  window.require.config({
    paths: {
      anywidget: here + "anywidget/index",
      "@jupyter-widgets/base": manager + "base",
      "@jupyter-widgets/base7": manager + "base7",
      "@jupyter-widgets/controls": manager + "controls",
      "@jupyter-widgets/controls7": manager + "controls7",
      "@jupyter-widgets/html-manager": manager + "html-manager",
      "@jupyter-widgets/html-manager/dist/libembed-amd": manager + "libembed-amd",
    },
  });
})();

// The widget manager typesets HTML widgets with MathJax 2's API (MathJax.Hub.Queue);
// this site serves MathJax 3. Answer that call with MathJax 3's typesetting.
document.addEventListener("DOMContentLoaded", function () {
  var mj = window.MathJax;
  if (!mj || mj.Hub) return;
  mj.Hub = {
    Queue: function (job) {
      var el = Array.isArray(job) ? job[2] : null;
      if (!el || !window.MathJax.startup) return;
      window.MathJax.startup.promise.then(function () {
        return window.MathJax.typesetPromise([el]);
      });
    },
  };
});
