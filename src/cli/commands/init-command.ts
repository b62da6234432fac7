/** `tierwise init [DIR]`: a commented model and header-only data files. */
import type { Command } from 'commander';
import { print } from '../output.js';

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .argument('[dir]', 'project folder', '.')
    .description(
      'start a project: a commented tierwise.yaml and empty data files to fill from your exports',
    )
    .option('--force', 'overwrite an existing tierwise.yaml')
    .action(async (dir: string, options: { force?: boolean }) => {
      const { initProject } = await import('../../init-project.js');
      const result = await initProject(dir, options);
      print(
        `created ${result.files.join(', ')} in ${result.dir}\nnext: put your exports in data/, edit tierwise.yaml, then run \`tierwise margin\``,
      );
    });
}
