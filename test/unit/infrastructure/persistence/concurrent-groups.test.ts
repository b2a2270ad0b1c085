import { expect } from 'chai';
import { inConcurrentGroups } from '../../../../src/infrastructure/persistence/concurrent-groups';
import { rejectionOf } from '../../../support/fakes';

/** A sender whose every call waits until the test answers it, and which records what was sent how. */
const scriptedSender = (options: { mayRetryAlone?: boolean } = {}) => {
  const sent: { how: 'together' | 'alone'; requests: string[]; answer: () => void; fail: (error: Error) => void }[] = [];
  const call = <T>(how: 'together' | 'alone', requests: string[], answer: () => T): Promise<T> =>
    new Promise<T>((resolve, reject) => sent.push({ how, requests, answer: () => resolve(answer()), fail: reject }));
  const sender = {
    together: (requests: string[]) => call('together', requests, () => requests.map((request) => `${request} written`)),
    alone: (request: string) => call('alone', [request], () => `${request} written`),
    mayRetryAloneAfter: () => options.mayRetryAlone ?? true,
  };
  return { sender, sent, shapes: () => sent.map((call) => `${call.how}: ${call.requests.join(' ')}`) };
};

/** Lets every callback already due run, so that what the grouping sends next has been sent. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('Requests sent in concurrent groups', () => {
  it('when a request comes while nothing is out, then it goes out at once, alone', async () => {
    const { sender, sent, shapes } = scriptedSender();
    const send = inConcurrentGroups(sender, { groupsInFlight: 1, largestGroup: 10 });

    const answer = send('a');
    await settle();
    sent[0].answer();

    expect(await answer).to.equal('a written');
    expect(shapes()).to.deep.equal(['alone: a']);
  });

  it('when requests come while a group is out, then they wait and go out together once it is back, each caller getting its own answer', async () => {
    const { sender, sent, shapes } = scriptedSender();
    const send = inConcurrentGroups(sender, { groupsInFlight: 1, largestGroup: 10 });

    const answers = ['a', 'b', 'c', 'd'].map(send);
    await settle();
    expect(shapes()).to.deep.equal(['alone: a']);
    sent[0].answer();
    await settle();
    sent[1].answer();

    expect(await Promise.all(answers)).to.deep.equal(['a written', 'b written', 'c written', 'd written']);
    expect(shapes()).to.deep.equal(['alone: a', 'together: b c d']);
  });

  it('when more wait than a group may hold, then they go out in groups of at most that many, as many at once as allowed', async () => {
    const { sender, sent, shapes } = scriptedSender();
    const send = inConcurrentGroups(sender, { groupsInFlight: 2, largestGroup: 2 });

    const answers = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map(send);
    await settle();
    expect(shapes()).to.deep.equal(['alone: a', 'alone: b']);
    sent[0].answer();
    sent[1].answer();
    await settle();
    expect(shapes()).to.deep.equal(['alone: a', 'alone: b', 'together: c d', 'together: e f']);
    sent[2].answer();
    await settle();
    sent[3].answer();
    sent[4].answer();

    expect(await Promise.all(answers)).to.have.length(7);
    expect(shapes()).to.deep.equal(['alone: a', 'alone: b', 'together: c d', 'together: e f', 'alone: g']);
  });

  it('when a group fails, then each of its requests is sent again alone, one failing only its own caller, and the next group waits for all of them', async () => {
    const { sender, sent, shapes } = scriptedSender();
    const send = inConcurrentGroups(sender, { groupsInFlight: 1, largestGroup: 10 });

    const answers = ['a', 'b', 'c', 'd'].map((request) =>
      send(request).then(
        (answer) => answer,
        (error: Error) => `${request}: ${error.message}`,
      ),
    );
    await settle();
    sent[0].answer();
    await settle();
    sent[1].fail(new Error('one row of the group was refused'));
    await settle();
    expect(shapes()).to.deep.equal(['alone: a', 'together: b c d', 'alone: b', 'alone: c', 'alone: d']);
    const later = send('e');
    sent[2].answer();
    sent[3].fail(new Error('email taken'));
    await settle();
    expect(sent).to.have.length(5);
    sent[4].answer();
    await settle();
    sent[5].answer();

    expect(await Promise.all([...answers, later])).to.deep.equal(['a written', 'b written', 'c: email taken', 'd written', 'e written']);
    expect(shapes().at(-1)).to.equal('alone: e');
  });

  it('when a group fails in a way that forbids sending again (a lost connection), then every caller of the group gets that error and nothing is resent', async () => {
    const { sender, sent, shapes } = scriptedSender({ mayRetryAlone: false });
    const send = inConcurrentGroups(sender, { groupsInFlight: 1, largestGroup: 10 });

    const first = send('a');
    const grouped = [send('b'), send('c')];
    await settle();
    sent[0].answer();
    await settle();
    sent[1].fail(new Error('connection lost'));

    expect(await first).to.equal('a written');
    const errors = (await Promise.all(grouped.map(rejectionOf))) as Error[];
    expect(errors.map((error) => error.message)).to.deep.equal(['connection lost', 'connection lost']);
    expect(shapes()).to.deep.equal(['alone: a', 'together: b c']);
  });
});
