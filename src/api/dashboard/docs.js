// Swagger UI over the API's own OpenAPI document (a file of its own: helmet's CSP allows no inline script).
window.addEventListener('load', () => {
  window.SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui' });
});
