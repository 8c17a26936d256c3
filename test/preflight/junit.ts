// Reads a JUnit report the way CI tools do: one testsuite, its attributes and its test cases.
import { XMLParser } from 'fast-xml-parser';

export interface JunitCase {
  name: string;
  classname: string;
  failure?: { message?: string; type?: string; text?: string };
  error?: { message?: string; type?: string };
  skipped?: unknown;
  'system-out'?: string;
}

export function parseJunit(xml: string): { suite: Record<string, string>; cases: JunitCase[] } {
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    textNodeName: 'text',
    cdataPropName: false as never,
    isArray: (name) => name === 'testcase' || name === 'testsuite',
  }).parse(xml);
  const suites = doc.testsuites.testsuite as Record<string, unknown>[];
  if (suites.length !== 1) throw new Error(`expected one testsuite, got ${suites.length}`);
  const suite = suites[0]!;
  const cases = ((suite.testcase as JunitCase[]) ?? []).map((c) => ({
    ...c,
    failure: (c.failure as unknown) === '' ? {} : typeof c.failure === 'string' ? { text: c.failure } : c.failure,
    skipped: c.skipped === undefined ? undefined : true,
  }));
  const attrs = Object.fromEntries(Object.entries(suite).filter(([, v]) => typeof v === 'string')) as Record<
    string,
    string
  >;
  return { suite: attrs, cases };
}
