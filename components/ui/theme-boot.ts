export const THEME_STORAGE_KEY = 'slipway.theme';

/**
 * Runs inline in <head> before first paint (see app/layout.tsx), so it must stay self-contained
 * and is kept as a string: it cannot import anything.
 */
export const THEME_BOOT_SCRIPT = `(function(){try{var p=localStorage.getItem('${THEME_STORAGE_KEY}');var d=p==='dark'||(p!=='light'&&matchMedia('(prefers-color-scheme: dark)').matches);document.documentElement.dataset.theme=d?'dark':'light';}catch(e){}})();`;
