// e-RS's client rules: the session rules judged across a referrer system's requests (session-rules.ts). Loaded when an
// assessment starts.
import type { ClientRules } from "../../../src/api-module.ts";
import { ErsSessions } from "./session-rules.ts";

type ErsInteraction = "ers-a001" | "ers-a002" | "ers-a003" | "ers-a004" | "ers-other";

const ersClientRules: ClientRules = {
  assessor: ({ directory }) => {
    const sessions = new ErsSessions(directory);
    return {
      judge: (req, interaction, n) => sessions.judge(req, interaction as ErsInteraction, n),
      atEnd: () => sessions.unended(),
      secrets: () => sessions.newIds(),
    };
  },
};

export default ersClientRules;
