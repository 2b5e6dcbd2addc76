/**
 * Build-time only: the MJML mail layout → HTML that still holds its Handlebars expressions.
 * `npm run build` runs this (scripts/build-assets.mjs) and writes dist/templates/message.html,
 * so no command loads MJML (about 0.8 s of module loading) at run time.
 */
import { readFile } from 'node:fs/promises';
import mjml2html from 'mjml';

/** Compiles one MJML file (includes resolved from `templatesDir`); the error names the file. */
export async function compileMjml(path: string, templatesDir: string): Promise<string> {
  const source = await readFile(path, 'utf8');
  try {
    const out = await mjml2html(source, {
      validationLevel: 'strict',
      filePath: path,
      ignoreIncludes: false,
      includePath: templatesDir,
      minify: false,
      beautify: false,
      keepComments: false,
      fonts: {},
    });
    if (out.errors.length) throw new Error(out.errors.map((e) => e.formattedMessage).join('; '));
    return out.html;
  } catch (cause) {
    throw new Error(`MJML template ${path} could not be compiled; fix the template (see cause)`, { cause });
  }
}
