import { RuleTester } from "eslint";
import { afterAll, describe, it } from "vitest";

// ESLint's RuleTester uses mocha-style globals; hand it vitest's.
const tester = RuleTester as unknown as Record<string, unknown>;
tester.describe = describe;
tester.it = it;
tester.itOnly = it.only;
tester.afterAll = afterAll;
