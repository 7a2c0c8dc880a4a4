import { compile, selectAll, selectOne } from 'css-select';
import type { AnyNode, Element } from 'domhandler';
import { getAttributeValue, innerText } from 'domutils';
import { parseDocument } from 'htmlparser2';
import { invalidInput, tooLarge } from '../../core/errors';

/** Which part of a page one field captures: the text of the first match, or an attribute. */
export interface ExtractField {
  /** A CSS selector. */
  selector: string;
  /** The attribute to read instead of the text content. */
  attribute?: string;
  /** Every match instead of the first. */
  all?: boolean;
}

/** A field's value: text or attribute, a list when `all`, null when nothing matched. */
export type ExtractedValue = string | string[] | null;

const MIB = 1024 * 1024;

export const HTML_EXTRACT_LIMITS = {
  maxHtmlBytes: 5 * MIB,
  maxFields: 50,
  maxMatchesPerField: 1000,
  maxSelectorLength: 1000,
} as const;

const ATTRIBUTE_NAME = /^[^\s"'>/=]{1,256}$/;

/**
 * Captures fields from a fetched page to re-present them ("capture and re-present"). Text content
 * is trimmed with whitespace collapsed; script and style contents are not text.
 */
export function extractFromHtml(html: string, fields: Record<string, ExtractField>): Record<string, ExtractedValue> {
  if (typeof html !== 'string') throw invalidInput('html must be a string');
  const size = Buffer.byteLength(html, 'utf8');
  if (size > HTML_EXTRACT_LIMITS.maxHtmlBytes) {
    throw tooLarge(`html is ${size} bytes; at most ${HTML_EXTRACT_LIMITS.maxHtmlBytes}`, {
      limit: HTML_EXTRACT_LIMITS.maxHtmlBytes,
    });
  }
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw invalidInput('fields must be an object of { selector, attribute?, all? }');
  }
  const entries = Object.entries(fields);
  if (entries.length > HTML_EXTRACT_LIMITS.maxFields) {
    throw invalidInput(`${entries.length} fields; at most ${HTML_EXTRACT_LIMITS.maxFields}`);
  }
  // Check every selector before parsing the page: a bad field fails fast and by name.
  const queries = entries.map(([name, field]) => ({ name, field: checkField(name, field) }));
  const document = parseDocument(html);
  const result: Record<string, ExtractedValue> = {};
  for (const { name, field } of queries) {
    const read = (element: Element): string | null =>
      field.attribute === undefined
        ? collapse(innerText(element))
        : (getAttributeValue(element, field.attribute) ?? null);
    if (!field.all) {
      const element = selectOne<AnyNode, Element>(field.selector, document);
      result[name] = element ? read(element) : null;
      continue;
    }
    const elements = selectAll<AnyNode, Element>(field.selector, document);
    if (elements.length > HTML_EXTRACT_LIMITS.maxMatchesPerField) {
      throw tooLarge(
        `field "${name}" matches ${elements.length} elements; at most ${HTML_EXTRACT_LIMITS.maxMatchesPerField}`,
        { field: name, limit: HTML_EXTRACT_LIMITS.maxMatchesPerField },
      );
    }
    result[name] = elements.map(read).filter((value): value is string => value !== null);
  }
  return result;
}

function checkField(name: string, field: unknown): { selector: string; attribute?: string; all: boolean } {
  if (typeof field !== 'object' || field === null) throw invalidInput(`field "${name}" must be { selector, … }`);
  const { selector, attribute, all } = field as Record<string, unknown>;
  if (typeof selector !== 'string' || selector.trim() === '') {
    throw invalidInput(`field "${name}" needs a CSS selector`, { field: name });
  }
  if (selector.length > HTML_EXTRACT_LIMITS.maxSelectorLength) {
    throw invalidInput(`field "${name}": the selector is longer than ${HTML_EXTRACT_LIMITS.maxSelectorLength}`, {
      field: name,
    });
  }
  if (attribute !== undefined && (typeof attribute !== 'string' || !ATTRIBUTE_NAME.test(attribute))) {
    throw invalidInput(`field "${name}": attribute must be an attribute name`, { field: name });
  }
  if (all !== undefined && typeof all !== 'boolean') {
    throw invalidInput(`field "${name}": all must be true or false`, { field: name });
  }
  try {
    compile<AnyNode, Element>(selector);
  } catch (error) {
    const detail = error instanceof Error ? `: ${error.message}` : '';
    throw invalidInput(`field "${name}": invalid CSS selector ${JSON.stringify(selector)}${detail}`, { field: name });
  }
  return { selector, ...(attribute === undefined ? {} : { attribute }), all: all === true };
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
