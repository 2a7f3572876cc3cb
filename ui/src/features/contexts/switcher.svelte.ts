// Whether the context switcher and the create dialog are open; Ctrl/Cmd+K and the
// switcher's own actions change it.
export const switcher = $state({ open: false, creating: false });
