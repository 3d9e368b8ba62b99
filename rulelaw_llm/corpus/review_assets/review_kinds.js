/* The review page's distribution of one kind across reports (rulelaw_llm.corpus.review_kinds).
 *
 * Reads the JSON block "kind-data" (per kind: [anchor, name, tier, value, approx, outlier] per
 * report) and draws, for the kind chosen in the select, one row of bars per level tier, the
 * reports in descending order, the tier's median as a line; a bar links to its report. Nothing
 * is parsed or drawn before the section is scrolled into view or a kind is chosen: a kind of a
 * thousand reports is a thousand bars, which would slow the page's load.
 */
(function () {
  "use strict";
  var node = document.getElementById("kind-data");
  var select = document.querySelector("[data-testid=kind-select]");
  var box = document.querySelector("[data-testid=kind-distribution]");
  if (!node || !select || !box) { return; }
  var data = null;
  var SVG = "http://www.w3.org/2000/svg";

  function svg(name, attributes) {
    var element = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { element.setAttribute(key, attributes[key]); });
    return element;
  }

  function format(value) {
    return value.toLocaleString("zh-CN", {maximumFractionDigits: 2});
  }

  function median(values) {
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    var middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  function draw(key) {
    if (!data) { data = JSON.parse(node.textContent); }
    var kind = data.kinds[key];
    var entries = data.values[key] || [];
    box.textContent = "";
    data.tiers.forEach(function (tier, index) {
      var members = entries.filter(function (entry) { return entry[2] === index; });
      if (!members.length) { return; }
      members.sort(function (a, b) { return b[3] - a[3]; });
      var values = members.map(function (entry) { return entry[3]; });
      var middle = median(values);
      var heading = document.createElement("p");
      heading.className = "tier";
      heading.setAttribute("data-testid", "kind-tier");
      heading.textContent = tier + "：" + members.length + " 份，最小 " + format(values[values.length - 1]) +
        "、中位数 " + format(middle) + "、最大 " + format(values[0]) + " " + kind.unit;
      box.appendChild(heading);
      var step = Math.max(2, Math.min(16, Math.floor(900 / members.length)));
      var height = 120, top = values[0] || 1;
      var chart = svg("svg", {width: step * members.length + 40, height: height + 6, role: "img",
        "aria-label": kind.label + "（" + tier + "）"});
      members.forEach(function (entry, position) {
        var barHeight = Math.max(1, height * entry[3] / top);
        var link = svg("a", {href: "#" + entry[0]});
        var bar = svg("rect", {x: position * step, y: height - barHeight, width: Math.max(1, step - 1),
          height: barHeight, "class": entry[5] ? "bar outlier" : "bar", "data-report": entry[0]});
        var title = svg("title", {});
        title.textContent = entry[1] + "：" + format(entry[3]) + kind.unit + (entry[4] ? "（约）" : "") +
          (entry[5] ? "（请核对）" : "");
        bar.appendChild(title);
        link.appendChild(bar);
        chart.appendChild(link);
      });
      var y = height - Math.max(1, height * middle / top);
      chart.appendChild(svg("line", {x1: 0, x2: step * members.length, y1: y, y2: y, "class": "median"}));
      var wrap = document.createElement("div");
      wrap.className = "strip";
      wrap.appendChild(chart);
      box.appendChild(wrap);
    });
  }

  select.addEventListener("change", function () { draw(select.value); });
  if (typeof IntersectionObserver === "undefined") { draw(select.value); return; }
  var observer = new IntersectionObserver(function (entries) {
    if (entries.some(function (entry) { return entry.isIntersecting; })) {
      observer.disconnect();
      if (!box.firstChild) { draw(select.value); }
    }
  });
  observer.observe(box);
})();
