// Bar and line charts drawn with the vendored Apache ECharts (core/vendor/echarts.common.min.js),
// without any inline script, so the CSP (script-src 'self') holds.
//
// A page marks a chart's place with <div class="chart" data-chart="ID"> and renders its
// data next to it with Django's json_script filter: <script id="ID"
// type="application/json">…</script> (data, never executed). The chart is a picture of
// the table that follows it, which carries the same figures for screen readers, for
// copying and without JavaScript. The JSON:
//
//   {"type": "bar" | "line",          // grouped bars or lines
//    "categories": ["后勤处", …],       // the axis: units, months
//    "series": [{"name": "响应率", "data": [87.5, null, …]}, …],  // null: no figure
//    "unit": "%",                      // after each value (optional)
//    "max": 100,                       // top of the value axis (optional)
//    "horizontal": true,               // bars along the value axis (long unit names)
//    "empty": "…"}                     // shown instead when no value exists
(function () {
  "use strict";

  function spec(el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source) {
      return null;
    }
    try {
      return JSON.parse(source.textContent);
    } catch (e) {
      return null;
    }
  }

  function hasValue(series) {
    for (var i = 0; i < series.length; i++) {
      for (var j = 0; j < series[i].data.length; j++) {
        if (series[i].data[j] !== null && series[i].data[j] !== undefined) {
          return true;
        }
      }
    }
    return false;
  }

  function option(s, reduced) {
    var unit = s.unit || "";
    var format = function (v) {
      return v === null || v === undefined || v === "-" ? "—" : v + unit;
    };
    var horizontal = s.type === "bar" && s.horizontal;
    var categoryAxis = {
      type: "category",
      data: s.categories,
      axisTick: { alignWithLabel: true },
      axisLabel: horizontal ? { width: 96, overflow: "truncate" } : { hideOverlap: true }
    };
    var valueAxis = {
      type: "value",
      min: 0,
      axisLabel: { formatter: "{value}" + unit }
    };
    if (s.max !== undefined && s.max !== null) {
      valueAxis.max = s.max;
    }
    if (horizontal) {
      categoryAxis.inverse = true; // the first unit on top, as in the table
    }
    return {
      animation: !reduced,
      aria: { enabled: true },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0, type: "scroll" },
      tooltip: { trigger: "axis", confine: true, valueFormatter: format },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: s.series.map(function (serie) {
        return {
          name: serie.name,
          type: s.type === "line" ? "line" : "bar",
          data: serie.data,
          connectNulls: false,
          showSymbol: true,
          barMaxWidth: 18
        };
      })
    };
  }

  function draw(el) {
    var s = spec(el);
    if (!s || !window.echarts || !s.series || !s.categories) {
      return;
    }
    if (!s.categories.length || !hasValue(s.series)) {
      el.classList.add("chart-empty");
      el.textContent = s.empty || "";
      return;
    }
    if (s.horizontal && s.type === "bar") {
      // room for each unit's group of bars
      var rows = s.categories.length * Math.max(1, s.series.length);
      el.classList.add("chart-tall");
      el.style.height = Math.max(288, 56 + rows * 14) + "px";
    }
    var lang = (document.documentElement.lang || "").toLowerCase();
    var chart = window.echarts.init(el, null, {
      renderer: "canvas",
      locale: lang.indexOf("zh") === 0 ? "ZH" : "EN"
    });
    var reduced = window.matchMedia &&
      window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    chart.setOption(option(s, reduced));
    el.setAttribute("data-chart-drawn", "");
    return chart;
  }

  function start() {
    var charts = [];
    var places = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < places.length; i++) {
      var chart = draw(places[i]);
      if (chart) {
        charts.push(chart);
      }
    }
    var pending = null;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(function () {
        charts.forEach(function (c) { c.resize(); });
      }, 150);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
