export interface GroupSender<Request, Answer> {
  /** Several requests at once (one round trip, one transaction); their answers in order. */
  together(requests: Request[]): Promise<Answer[]>;
  /** One request: a lone one, and each of a group whose `together` failed. */
  alone(request: Request): Promise<Answer>;
  /** Whether, after `together` failed with this error, its requests may still be sent alone, or all fail with it. */
  mayRetryAloneAfter(error: unknown): boolean;
}

/**
 * Sends requests that arrive concurrently as groups, so that one round trip and one transaction serve many. A request
 * goes out at once, alone, while fewer than `groupsInFlight` groups are out; otherwise it waits, and whatever waited goes
 * out as one group (at most `largestGroup`) as soon as a group comes back. A lone request therefore never waits, and
 * groups grow only with the load. When a group fails (one request of it may be at fault), each is sent again alone, so
 * that it fails only itself.
 */
export const inConcurrentGroups = <Request, Answer>(
  send: GroupSender<Request, Answer>,
  limits: { groupsInFlight: number; largestGroup: number },
): ((request: Request) => Promise<Answer>) => {
  let groupsOut = 0;
  const waiting: { request: Request; settle: (answer: Answer | Promise<Answer>) => void; reject: (error: unknown) => void }[] = [];

  const sendGroup = async (requests: Request[]): Promise<(Answer | Promise<Answer>)[]> => {
    if (requests.length > 1) {
      try {
        return await send.together(requests);
      } catch (error) {
        if (!send.mayRetryAloneAfter(error)) throw error;
      }
    }
    const answers = requests.map((request) => send.alone(request));
    // The group is out until each of its requests is back: only then may the next group go.
    await Promise.allSettled(answers);
    return answers;
  };

  const sendWhatWaits = (): void => {
    while (groupsOut < limits.groupsInFlight && waiting.length > 0) {
      const group = waiting.splice(0, limits.largestGroup);
      groupsOut += 1;
      sendGroup(group.map((entry) => entry.request))
        .then(
          (answers) => group.forEach((entry, index) => entry.settle(answers[index])),
          (error: unknown) => group.forEach((entry) => entry.reject(error)),
        )
        .finally(() => {
          groupsOut -= 1;
          sendWhatWaits();
        });
    }
  };

  return (request) =>
    new Promise<Answer>((settle, reject) => {
      waiting.push({ request, settle, reject });
      sendWhatWaits();
    });
};
