import '@testing-library/jest-dom/vitest';

// jsdom has no layout: the few layout APIs the UI libraries call become no-ops.
Element.prototype.scrollIntoView ??= function scrollIntoView() {};
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};
