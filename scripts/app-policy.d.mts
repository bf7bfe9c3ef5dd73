/** The header for a page whose HTML is `html`; undefined when it has no policy <meta>. */
export function headerPolicy(html: string): string | undefined;
