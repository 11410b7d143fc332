'use strict';

// plotly.js with only the trace types ScopeWeb's charts build (the C# trace builders in src/ScopeWeb.Web, see
// README.md). A trace type missing here draws nothing and logs a console warning: add it and rebuild.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    // core registers scatter itself; listed so the bundle's trace types read in one place.
    require('plotly.js/lib/scatter'),
    require('plotly.js/lib/scattergl'),
    require('plotly.js/lib/bar'),
]);

// Plotly.Blazor's interop calls window.Plotly.
window.Plotly = Plotly;
