import { Command } from '@oclif/core';

export default class SimList extends Command {
  static override description = 'List the shipped simulator scenarios';

  static override examples = ['<%= config.bin %> sim list', '<%= config.bin %> sim list --json'];

  static override enableJsonFlag = true;

  async run(): Promise<{ name: string; description: string }[]> {
    await this.parse(SimList);
    const { listScenarios } = await import('../../sim/scenario.js');
    const all = listScenarios().map(({ name, description }) => ({ name, description }));
    const width = Math.max(4, ...all.map((s) => s.name.length));
    this.log(`${'NAME'.padEnd(width)}   DESCRIPTION`);
    for (const s of all) this.log(`${s.name.padEnd(width)}   ${s.description}`);
    return all;
  }
}
