import '@testing-library/jest-dom/vitest';

// jsdom has no layout: the few layout APIs the UI libraries call become no-ops.
Element.prototype.scrollIntoView ??= function scrollIntoView() {};
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};
// No canvas either: charts see no 2D context and leave the numbers to their tables.
HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;
