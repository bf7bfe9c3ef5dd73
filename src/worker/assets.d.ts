/** Vite's `?url` imports: the asset's same-origin URL. */
declare module '*?url' {
  const url: string;
  export default url;
}
