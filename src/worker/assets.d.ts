/** Vite's `?url` imports: the asset's same-origin URL. */
declare module '*?url' {
  const url: string;
  export default url;
}

/** Vite's `?worker&url` imports: the built worker script's same-origin URL. */
declare module '*?worker&url' {
  const url: string;
  export default url;
}
