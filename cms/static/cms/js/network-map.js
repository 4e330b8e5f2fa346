// The network map: a plotly choropleth of countries by status, drawn entirely from our own
// static files (plotly.js and the world geometry). Data comes from a JSON script element.
(function () {
    "use strict";

    var STATUS_VALUES = { none: 0, candidate: 1, member: 2 };
    var COLOURS = ["#e4e8ee", "#e0a13a", "#0b4f8a"];

    function draw() {
        var element = document.getElementById("network-map");
        var source = document.getElementById("network-map-data");
        if (!element || !source || typeof window.Plotly === "undefined") {
            return;
        }
        var data = JSON.parse(source.textContent);
        var countries = data.countries;
        var labels = data.labels;
        var trace = {
            type: "choropleth",
            locationmode: "ISO-3",
            locations: countries.map(function (c) { return c.iso3; }),
            z: countries.map(function (c) { return STATUS_VALUES[c.status]; }),
            text: countries.map(function (c) { return c.name + ": " + labels[c.status]; }),
            hoverinfo: "text",
            zmin: 0,
            zmax: 2,
            colorscale: [
                [0, COLOURS[0]], [0.33, COLOURS[0]],
                [0.33, COLOURS[1]], [0.66, COLOURS[1]],
                [0.66, COLOURS[2]], [1, COLOURS[2]]
            ],
            marker: { line: { color: "#ffffff", width: 0.5 } },
            colorbar: {
                tickvals: [0.33, 1, 1.67],
                ticktext: [labels.none, labels.candidate, labels.member],
                thickness: 14,
                len: 0.6
            }
        };
        var layout = {
            geo: {
                scope: "world",
                resolution: 110,
                projection: { type: "natural earth" },
                showframe: false,
                showcoastlines: false,
                showcountries: true,
                countrycolor: "#ffffff",
                showland: true,
                landcolor: COLOURS[0]
            },
            margin: { l: 0, r: 0, t: 0, b: 0 },
            height: 460,
            paper_bgcolor: "rgba(0,0,0,0)"
        };
        var config = {
            topojsonURL: element.getAttribute("data-topojson-url"),
            displayModeBar: false,
            responsive: true,
            scrollZoom: false
        };
        element.textContent = "";
        window.Plotly.newPlot(element, [trace], layout, config).then(function () {
            element.setAttribute("data-rendered", "true");
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", draw);
    } else {
        draw();
    }
})();
