// Loaded after RequireJS and before the widget manager (embed-amd.js), on pages
// that hold widgets. Third-party widget modules (anywidget) load from this site,
// next to this file, never from a CDN. Paths are worked out from this script's
// own address, so the site works under any folder (GitHub Pages, an intranet).
(function () {
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  window.require.config({
    paths: { anywidget: here + "anywidget/index" },
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
