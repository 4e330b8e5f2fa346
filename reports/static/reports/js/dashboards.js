// Dashboards: draw each chart with plotly.js (served from our own static files) from the figure
// JSON in the page. Without JavaScript the data tables beneath the charts carry the same figures.
(function () {
    "use strict";

    var CONFIG = {
        responsive: true,
        displaylogo: false,
        modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
        toImageButtonOptions: { format: "png", scale: 2 }
    };

    function draw(element) {
        var source = document.getElementById(element.getAttribute("data-figure"));
        if (!source) {
            return;
        }
        var figure = JSON.parse(source.textContent);
        element.hidden = false;
        element.setAttribute("role", "figure");
        element.setAttribute("aria-label", element.getAttribute("data-label") || "");
        window.Plotly.newPlot(element, figure.data || [], figure.layout || {}, CONFIG);
        element.setAttribute("data-drawn", "true");
    }

    function drawAll() {
        if (typeof window.Plotly === "undefined") {
            return;
        }
        var charts = document.querySelectorAll(".rp-chart[data-figure]");
        for (var i = 0; i < charts.length; i += 1) {
            draw(charts[i]);
        }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", drawAll);
    } else {
        drawAll();
    }
})();
