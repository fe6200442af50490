import { ChannelState } from '@aws-sdk/client-medialive';
import { apiStateOfEvent } from '../../../lambda/shared/channel-state';
import { DOCUMENTED_STATE_CHANGE } from '../medialive-events';

describe('API state of a "MediaLive Channel State Change" event', () => {
  test('the documented example (DELETED) is an API state and stays as it is', () => {
    const { state, pipelines_running_count } = DOCUMENTED_STATE_CHANGE.detail;
    expect(apiStateOfEvent(state, pipelines_running_count)).toBe(ChannelState.DELETED);
  });

  test.each<[string, number | undefined, ChannelState]>([
    ['STOPPED', 0, ChannelState.IDLE],
    ['STOPPED', undefined, ChannelState.IDLE],
    // A STANDARD channel: one pipeline stopped, the other still running.
    ['STOPPED', 1, ChannelState.STOPPING],
    ['CREATED', 0, ChannelState.IDLE],
  ])('event-only %s with %s pipeline(s) running is %s', (state, running, api) => {
    expect(apiStateOfEvent(state, running)).toBe(api);
  });

  test.each(Object.values(ChannelState))('API state %s is itself', (state) => {
    expect(apiStateOfEvent(state, 0)).toBe(state);
  });

  test.each(['SOMETHING_NEW', 'stopped', ''])('%j is no known state', (state) => {
    expect(apiStateOfEvent(state)).toBeUndefined();
  });
});
